package org.raftchat.cli;

import org.raftchat.cli.ChatClientException.Category;

/**
 * The process exit codes of {@code raftchat}, so scripts can tell "fix your input" from "start the
 * cluster". The one place that maps failures to codes.
 */
public final class ExitCodes {

    public static final int OK = 0;
    /** A bug or an environment problem nobody anticipated. */
    public static final int UNEXPECTED = 1;
    /** Bad command line (picocli's own usage-error code). */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    /** No node answered, or no leader, within the retry budget. */
    public static final int UNAVAILABLE = 4;
    /** The cluster refused: invalid argument, already exists, permission, other refusal. */
    public static final int REJECTED = 5;

    private ExitCodes() {
    }

    public static int of(Category category) {
        return switch (category) {
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE -> UNAVAILABLE;
            case INVALID, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED, REJECTED -> REJECTED;
            case PROTOCOL, CANCELLED, INTERNAL -> UNEXPECTED;
        };
    }

    public static int of(Throwable failure) {
        return failure instanceof ChatClientException e ? of(e.category()) : UNEXPECTED;
    }
}
