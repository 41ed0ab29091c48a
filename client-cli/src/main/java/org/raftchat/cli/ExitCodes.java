package org.raftchat.cli;

import org.raftchat.client.ChatClientException;
import org.raftchat.client.ChatClientException.Category;
import picocli.CommandLine.ParameterException;

/**
 * The process exit codes of {@code raftchat}, so scripts can tell "fix your input" from "log in
 * again" from "start the cluster". The one place that maps failures to codes, and to the error
 * codes {@code --output json} prints.
 *
 * <p>PERMISSION_DENIED (not a member of the room, not the author or owner) is {@link #REJECTED},
 * not {@link #AUTH}: logging in again does not help, and {@code AUTH} means exactly "your
 * credentials or session are not accepted". The JSON error code still says PERMISSION_DENIED.
 *
 * <p>{@code raftchat --help} lists these codes ({@link RaftChatCli}'s {@code exitCodeList}); so does the README.
 */
public final class ExitCodes {

    public static final int OK = 0;
    /** A bug or an environment problem nobody anticipated. */
    public static final int UNEXPECTED = 1;
    /** Bad command line or bad configuration (picocli's own usage-error code). */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    /** No node answered, or no leader, within the retry budget. */
    public static final int UNAVAILABLE = 4;
    /** The cluster refused: invalid argument, already exists, permission denied, other refusal. */
    public static final int REJECTED = 5;
    /** Not logged in, the session is no longer valid, or a wrong username or password (UNAUTHENTICATED). */
    public static final int AUTH = 6;

    /**
     * A failure as a script sees it.
     *
     * @param code     a stable name: USAGE, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS,
     *                 INVALID_ARGUMENT, REJECTED, UNAVAILABLE, PROTOCOL, CANCELLED, INTERNAL, UNEXPECTED
     * @param message  one line for a person
     * @param exitCode the process exit code
     */
    public record Failure(String code, String message, int exitCode) { }

    private ExitCodes() {
    }

    public static int of(Category category) {
        return switch (category) {
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE -> UNAVAILABLE;
            case UNAUTHENTICATED -> AUTH;
            case INVALID, ALREADY_EXISTS, PERMISSION_DENIED, REJECTED -> REJECTED;
            case PROTOCOL, CANCELLED, INTERNAL -> UNEXPECTED;
        };
    }

    public static int of(Throwable failure) {
        if (failure instanceof ParameterException) {
            return USAGE;
        }
        return failure instanceof ChatClientException e ? of(e.category()) : UNEXPECTED;
    }

    /** The stable error code of a category, as {@code --output json} prints it. */
    public static String code(Category category) {
        return switch (category) {
            case INVALID -> "INVALID_ARGUMENT";
            default -> category.name();
        };
    }

    /** What to tell the user about a failure: code, one-line message (no stack trace) and exit code. */
    public static Failure describe(Throwable failure) {
        if (failure instanceof ParameterException) {
            return new Failure("USAGE", failure.getMessage(), USAGE);
        }
        if (failure instanceof ChatClientException e) {
            return new Failure(code(e.category()), e.getMessage(), of(e.category()));
        }
        return new Failure("UNEXPECTED", "unexpected error: " + failure + " (run with --verbose for details)", UNEXPECTED);
    }
}
