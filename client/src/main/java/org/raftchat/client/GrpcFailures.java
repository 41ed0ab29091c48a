package org.raftchat.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.NotLeader;

/** The one place that reads gRPC failures: what they mean and whether trying again can help. */
public final class GrpcFailures {

    private GrpcFailures() {
    }

    /** The leader hint a follower attached to FAILED_PRECONDITION, if any. */
    public static Optional<NotLeader> notLeader(Throwable e) {
        if (Status.fromThrowable(e).getCode() != Status.Code.FAILED_PRECONDITION) {
            return Optional.empty();
        }
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        if (rich == null) {
            return Optional.empty();
        }
        for (Any detail : rich.getDetailsList()) {
            if (detail.is(NotLeader.class)) {
                try {
                    return Optional.of(detail.unpack(NotLeader.class));
                } catch (InvalidProtocolBufferException malformed) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Codes after which the same request may succeed elsewhere or later. UNAVAILABLE and
     * DEADLINE_EXCEEDED can mean "outcome unknown", so writes retry them with the same key.
     */
    static boolean retryable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED;
    }

    /**
     * RESOURCE_EXHAUSTED for a fixed limit (rooms per user, members per room, request size): retrying
     * does not help. Nodes say so with a LimitReached detail; a request far over the size limit is cut
     * off by grpc-java's transport before any node code sees it, with only its own words.
     */
    static boolean limitReached(Throwable e) {
        Status status = Status.fromThrowable(e);
        if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
            return false;
        }
        if (status.getDescription() != null && status.getDescription().startsWith(TRANSPORT_SIZE_LIMIT)) {
            return true;
        }
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        return rich != null && rich.getDetailsList().stream().anyMatch(d -> d.is(org.raftchat.proto.v1.LimitReached.class));
    }

    /** How grpc-java's deframer words a message over its size limit (io.grpc.internal.MessageDeframer). */
    private static final String TRANSPORT_SIZE_LIMIT = "gRPC message exceeds maximum size";

    /** Codes that end a subscription: asking another node the same question gets the same answer. */
    static boolean finalForSubscription(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED,
                    FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED -> true;
            default -> false;
        };
    }

    /** The channel failed before any node saw the request: nothing listens there, or the name does not resolve. */
    public static boolean unreachable(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return false;
        }
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a write that failed this way may still have been stored. */
    static boolean outcomeUnknown(Status status) {
        return status.getCode() == Status.Code.DEADLINE_EXCEEDED
                || (status.getCode() == Status.Code.UNAVAILABLE && !unreachable(status));
    }

    public static Category category(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> Category.INVALID;
            case NOT_FOUND -> Category.NOT_FOUND;
            case ALREADY_EXISTS -> Category.ALREADY_EXISTS;
            case PERMISSION_DENIED -> Category.PERMISSION_DENIED;
            case UNAUTHENTICATED -> Category.UNAUTHENTICATED;
            case FAILED_PRECONDITION, ABORTED -> Category.REJECTED;
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> Category.UNAVAILABLE;
            case CANCELLED -> Category.CANCELLED;
            default -> Category.INTERNAL;
        };
    }

    /** A final answer as an exception: the server's own description is the user's message. */
    static ChatClientException toException(StatusRuntimeException e, String what) {
        Status status = e.getStatus();
        String message = status.getDescription() == null || status.getDescription().isBlank()
                ? what + ": " + status.getCode()
                : status.getDescription();
        return new ChatClientException(category(status.getCode()), message, e);
    }

    /** Why a node did not answer, in a few words: "connection refused", "unknown host", or the status. */
    public static String shortReason(Status status) {
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
        }
        return describe(status);
    }

    /** One line for logs and messages: "UNAVAILABLE: io exception (Connection refused: /127.0.0.1:9101)". */
    public static String describe(Status status) {
        StringBuilder s = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            s.append(": ").append(status.getDescription());
        }
        Throwable cause = status.getCause();
        if (cause != null && cause.getMessage() != null) {
            s.append(" (").append(cause.getMessage()).append(')');
        }
        return s.toString();
    }
}
