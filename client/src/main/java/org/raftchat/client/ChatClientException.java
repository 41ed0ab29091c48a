package org.raftchat.client;

import java.util.Objects;

/**
 * A call that did not succeed, sorted into a {@link Category} a caller can branch on, with a
 * message a user can act on.
 */
public final class ChatClientException extends RuntimeException {

    /** What went wrong, independent of transport details. */
    public enum Category {
        /** The request was malformed or over a limit (INVALID_ARGUMENT). Final. */
        INVALID,
        /** The room or conversation does not exist (NOT_FOUND). Final. */
        NOT_FOUND,
        /** The name is taken (ALREADY_EXISTS). Final. */
        ALREADY_EXISTS,
        /** The caller may not do this (PERMISSION_DENIED). Final. */
        PERMISSION_DENIED,
        /** The caller is not who it claims (UNAUTHENTICATED). Final. */
        UNAUTHENTICATED,
        /** The cluster refused for another reason (e.g. FAILED_PRECONDITION without a leader hint). Final. */
        REJECTED,
        /** No node could answer within the retry budget; for a write the outcome may be unknown. */
        UNAVAILABLE,
        /** A node broke the protocol (e.g. a gap in a subscription's sequence numbers): a server bug. */
        PROTOCOL,
        /** The caller gave up: the thread was interrupted or the client closed. */
        CANCELLED,
        /** Anything else (INTERNAL, UNIMPLEMENTED, ...). */
        INTERNAL
    }

    private final Category category;

    public ChatClientException(Category category, String message) {
        super(message);
        this.category = Objects.requireNonNull(category, "category");
    }

    public ChatClientException(Category category, String message, Throwable cause) {
        super(message, cause);
        this.category = Objects.requireNonNull(category, "category");
    }

    public Category category() {
        return category;
    }
}
