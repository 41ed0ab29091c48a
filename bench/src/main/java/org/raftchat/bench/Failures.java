package org.raftchat.bench;

import io.grpc.Status;
import java.util.Optional;
import org.raftchat.client.GrpcFailures;
import org.raftchat.proto.v1.NotLeader;

/**
 * How the bench reads a failed call: what to do next. Like the product client
 * ({@link GrpcFailures}) except that DEADLINE_EXCEEDED is final.
 */
final class Failures {

    /** What a failed write calls for. */
    enum Next {
        /** FAILED_PRECONDITION from a follower: go to the leader it names (or look for one). */
        REDIRECT,
        /** The same write may succeed later or elsewhere: resend it with the same idempotency key. */
        RETRY,
        /** Resending cannot help (e.g. NOT_FOUND, INVALID_ARGUMENT): an error. */
        GIVE_UP
    }

    private Failures() {
    }

    static Next next(Throwable failure) {
        Status.Code code = Status.fromThrowable(failure).getCode();
        if (code == Status.Code.FAILED_PRECONDITION && notLeader(failure).isPresent()) {
            return Next.REDIRECT;
        }
        return switch (code) {
            case UNAVAILABLE, RESOURCE_EXHAUSTED -> Next.RETRY;
            // No answer within the call deadline: the leader is seconds behind, and a resend would only
            // lengthen its queue (the product client retries it, which under overload snowballs; a
            // benchmark should show the overload, not amplify it).
            default -> Next.GIVE_UP;
        };
    }

    /** The NotLeader detail of a follower's FAILED_PRECONDITION, if there is one. */
    static Optional<NotLeader> notLeader(Throwable failure) {
        return GrpcFailures.notLeader(failure);
    }

    /** The code's name, the key failures are counted under. */
    static String kind(Throwable failure) {
        return Status.fromThrowable(failure).getCode().name();
    }

    /** "CODE: description" for an example message. */
    static String describe(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        return status.getDescription() == null ? status.getCode().name() : status.getCode() + ": " + status.getDescription();
    }
}
