package org.raftchat.statemachine;

import java.util.Objects;

/**
 * A page of a conversation for a reader, or why the reader may not have it: see
 * {@link ChatStateMachine#readableHistory}.
 *
 * @param access {@link ReadAccess#ALLOWED}, or the refusal
 * @param page the page when allowed, else null
 */
public record ReadableHistory(ReadAccess access, StoredHistoryPage page) {

    public ReadableHistory {
        Objects.requireNonNull(access, "access");
        if ((access == ReadAccess.ALLOWED) != (page != null)) {
            throw new IllegalArgumentException("a page comes with ALLOWED and only with it, got " + access);
        }
    }

    static ReadableHistory allowed(StoredHistoryPage page) {
        return new ReadableHistory(ReadAccess.ALLOWED, Objects.requireNonNull(page, "page"));
    }

    static ReadableHistory refused(ReadAccess access) {
        return new ReadableHistory(access, null);
    }
}
