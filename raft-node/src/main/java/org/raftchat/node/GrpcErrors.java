package org.raftchat.node;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.LimitReached;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.ReadAccess;
import org.raftchat.statemachine.Rejection;

/**
 * The one place that turns outcomes into gRPC statuses. Every message says what happened and
 * what the caller can do next.
 */
final class GrpcErrors {

    /** The {@link PreconditionFailure} violation type of {@link #removalLosesQuorum}. */
    static final String QUORUM_VIOLATION = "QUORUM";

    private GrpcErrors() {
    }

    static StatusRuntimeException invalid(String message) {
        return io.grpc.Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    /**
     * FAILED_PRECONDITION with a {@link NotLeader} detail so clients can go straight to the leader. A
     * node outside the Raft configuration says so: it will not lead or learn of leaders until added.
     */
    static StatusRuntimeException notLeader(LeaderHint hint) {
        String where = hint.known() ? "the leader is " + hint.leaderId() + " at " + hint.leaderApiAddress()
                : "no leader is known yet; retry shortly";
        String message = hint.notMember()
                ? "this node was removed from the cluster (or has not been added yet): it is not in the Raft "
                        + "configuration, so it takes no writes; use another node, or add it back with "
                        + "'raftchat admin add-node'" + (hint.known() ? " (" + where + ")" : "")
                : "this node is not the leader: " + where;
        return withDetail(Code.FAILED_PRECONDITION, message, NotLeader.newBuilder()
                .setLeaderId(hint.leaderId())
                .setLeaderApiAddress(hint.leaderApiAddress())
                .build());
    }

    /**
     * The status every {@link Rejection} answers with: one row per value, and the compiler refuses a
     * value without one. LIMIT_REACHED also carries a {@link LimitReached} detail ({@link #rejected}).
     */
    static io.grpc.Status.Code statusCode(Rejection rejection) {
        return switch (rejection) {
            // A client bug (a key reused for a new request), not a state a retry could change.
            case IDEMPOTENCY_KEY_REUSED -> io.grpc.Status.Code.INVALID_ARGUMENT;
            case ROOM_NOT_FOUND, USER_NOT_FOUND, MESSAGE_NOT_FOUND, SESSION_ID_NOT_FOUND -> io.grpc.Status.Code.NOT_FOUND;
            case ROOM_ALREADY_EXISTS, USER_ALREADY_EXISTS, NICKNAME_TAKEN -> io.grpc.Status.Code.ALREADY_EXISTS;
            case NOT_A_MEMBER, NOT_ROOM_OWNER, NOT_MESSAGE_AUTHOR, BANNED, NOT_INVITED -> io.grpc.Status.Code.PERMISSION_DENIED;
            case NOT_ALLOWED_FOR_ROOM, MESSAGE_DELETED, NOT_A_QUEUE, NOT_ASSIGNED, PASSWORD_CHANGED_MEANWHILE ->
                    io.grpc.Status.Code.FAILED_PRECONDITION;
            case SESSION_NOT_FOUND -> io.grpc.Status.Code.UNAUTHENTICATED;
            case LIMIT_REACHED -> io.grpc.Status.Code.RESOURCE_EXHAUSTED;
        };
    }

    static StatusRuntimeException rejected(ApplyResult.Rejected rejected) {
        if (rejected.reason() == Rejection.LIMIT_REACHED) {
            return limitReached(rejected.detail());
        }
        return io.grpc.Status.fromCode(statusCode(rejected.reason())).withDescription(rejected.detail()).asRuntimeException();
    }

    /**
     * What a fresh proposal's result is when it is not the one its call expects: a rejection is an
     * answer with its status; any other result is a bug (INTERNAL once {@link #toStatus} sees it).
     */
    static RuntimeException unexpected(ApplyResult result) {
        if (result instanceof ApplyResult.Rejected rejected) {
            return rejected(rejected);
        }
        return new IllegalStateException("unexpected apply result " + result);
    }

    /** RESOURCE_EXHAUSTED with a {@link LimitReached} detail: a fixed limit, so a retry would not help. */
    static StatusRuntimeException limitReached(String description) {
        return withDetail(Code.RESOURCE_EXHAUSTED, description, LimitReached.newBuilder().setDescription(description).build());
    }

    /** A request whose bytes are not the method's request message (not protobuf, a string that is not UTF-8). */
    static StatusRuntimeException unparsableRequest(String messageType, String why) {
        return invalid("the request is not a valid " + messageType + " (" + why + "); nothing was done");
    }

    /** A request over limits.maxInboundGrpcBytes: final (a LimitReached detail), the same request will never fit. */
    static StatusRuntimeException requestTooLarge(long sizeBytes, int maxBytes) {
        return limitReached("the request is " + (sizeBytes >= 0 ? sizeBytes + " bytes" : "larger than that")
                + "; this cluster takes requests of at most " + maxBytes + " bytes (limits.maxInboundGrpcBytes)");
    }

    /** The password pool's queue is full: a moment's overload, so RESOURCE_EXHAUSTED with a retry delay, no LimitReached. */
    static StatusRuntimeException passwordWorkBusy(int queued) {
        return retryLater("this node already has " + queued + " password checks waiting; retry in a moment",
                Defaults.PASSWORD_WORK_RETRY_DELAY);
    }

    /** A client address over its budget of calls without a session: transient, so a retry delay and no LimitReached. */
    static StatusRuntimeException tooManyUnauthenticatedCalls(int perSecond, Duration retryAfter) {
        return retryLater("more than " + perSecond + " calls per second without a session (register, log in, cluster "
                + "status, unknown session tokens) from this address; retry after " + Math.max(1, retryAfter.toMillis())
                + " ms", retryAfter);
    }

    /** RESOURCE_EXHAUSTED with a google.rpc.RetryInfo detail: worth the same request again after {@code delay}. */
    private static StatusRuntimeException retryLater(String description, Duration delay) {
        return withDetail(Code.RESOURCE_EXHAUSTED, description, RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(delay.getSeconds()).setNanos(delay.getNano()))
                .build());
    }

    static StatusRuntimeException unauthenticated(String why) {
        return io.grpc.Status.UNAUTHENTICATED.withDescription(why).asRuntimeException();
    }

    static StatusRuntimeException wrongCredentials() {
        return unauthenticated("unknown username or wrong password");
    }

    /** A password change with a wrong old password: the caller is authenticated, the change is not allowed. */
    static StatusRuntimeException wrongOldPassword() {
        return permissionDenied("the old password is wrong");
    }

    static StatusRuntimeException failedPrecondition(String why) {
        return io.grpc.Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException();
    }

    static StatusRuntimeException permissionDenied(String why) {
        return io.grpc.Status.PERMISSION_DENIED.withDescription(why).asRuntimeException();
    }

    static StatusRuntimeException userNotFound(String user) {
        return io.grpc.Status.NOT_FOUND.withDescription("user '" + user + "' does not exist").asRuntimeException();
    }

    static StatusRuntimeException tooManyRequests(int perSecond) {
        return io.grpc.Status.RESOURCE_EXHAUSTED
                .withDescription("this session made more than " + perSecond + " requests per second; slow down and retry")
                .asRuntimeException();
    }

    static StatusRuntimeException sessionEnded() {
        return unauthenticated("the session is not valid (logged out, expired, revoked, replaced by a newer login on the "
                + "same device or by a password change, or never issued): log in again");
    }

    /** Why {@code user} may not read {@code conversation}; null when access is {@link ReadAccess#ALLOWED}. */
    static StatusRuntimeException noReadAccess(ReadAccess access, ConversationRef conversation, String user) {
        return switch (access) {
            case ALLOWED -> null;
            case SESSION_ENDED -> sessionEnded();
            case ROOM_NOT_FOUND -> roomNotFound(conversation.getRoom());
            case NOT_A_MEMBER -> conversation.getKindCase() == ConversationRef.KindCase.ROOM
                    ? permissionDenied(user + " is not a member of room '" + conversation.getRoom() + "': join it first")
                    : permissionDenied("only its two participants may read a private conversation");
            case BANNED -> permissionDenied(user + " is banned from room '" + conversation.getRoom() + "'");
        };
    }

    static StatusRuntimeException roomNotFound(String room) {
        return io.grpc.Status.NOT_FOUND.withDescription("room '" + room + "' does not exist").asRuntimeException();
    }

    /**
     * A proposal that SOFAJRaft failed. Only "busy" is known not to be in the log; every other
     * failure after {@code Node.apply} may still commit, so the outcome is unknown and the client
     * must retry with the same idempotency key.
     */
    static StatusRuntimeException proposalFailed(Status raftStatus) {
        if (raftStatus.getRaftError() == RaftError.EBUSY) {
            return io.grpc.Status.RESOURCE_EXHAUSTED
                    .withDescription("the leader's proposal queue is full; back off and retry")
                    .asRuntimeException();
        }
        return outcomeUnknown("the write was not confirmed (" + raftStatus.getErrorMsg() + ")");
    }

    static StatusRuntimeException proposalTimedOut(long timeoutMs) {
        return outcomeUnknown("the write was not confirmed within " + timeoutMs + " ms");
    }

    static StatusRuntimeException outcomeUnknown(String what) {
        return io.grpc.Status.UNAVAILABLE
                .withDescription(what + "; its outcome is unknown: retry with the same idempotency key")
                .asRuntimeException();
    }

    static StatusRuntimeException readBarrierFailed(String why) {
        return io.grpc.Status.UNAVAILABLE
                .withDescription("this node cannot serve a linearizable read now (" + why + "); retry here or on another node")
                .asRuntimeException();
    }

    static StatusRuntimeException shuttingDown() {
        return io.grpc.Status.UNAVAILABLE.withDescription("this node is shutting down; use another node").asRuntimeException();
    }

    static StatusRuntimeException stopped(String why) {
        return io.grpc.Status.UNAVAILABLE.withDescription("this node stopped serving: " + why + "; use another node")
                .asRuntimeException();
    }

    static StatusRuntimeException tooManySubscriptions(int max) {
        return io.grpc.Status.RESOURCE_EXHAUSTED
                .withDescription("this node already serves " + max + " subscriptions; subscribe on another node")
                .asRuntimeException();
    }

    /** A fixed cap (LimitReached): retrying does not help, closing one of the caller's streams does. */
    static StatusRuntimeException tooManySubscriptionsPerSession(int max) {
        return limitReached("this session already holds " + max + " open subscriptions (Subscribe and StreamQueue streams) "
                + "on this node, the most one session may: close another subscription first");
    }

    static StatusRuntimeException tooManySubscriptionsPerUser(String user, int max) {
        return limitReached("user '" + user + "' already holds " + max + " open subscriptions on this node over all their "
                + "sessions, the most one user may: close another subscription (on any of their devices) first");
    }

    static StatusRuntimeException adminDisabled() {
        return io.grpc.Status.UNAUTHENTICATED.withDescription("the admin API is disabled on this node: no admin token is "
                + "configured (adminTokenFile in the cluster file, --admin-token-file or $RAFTCHAT_ADMIN_TOKEN)").asRuntimeException();
    }

    static StatusRuntimeException adminTokenMissing() {
        return io.grpc.Status.UNAUTHENTICATED.withDescription("admin calls need the cluster's admin token "
                + "(metadata 'authorization: Bearer <token>')").asRuntimeException();
    }

    static StatusRuntimeException adminTokenWrong() {
        return io.grpc.Status.UNAUTHENTICATED.withDescription("the admin token is wrong").asRuntimeException();
    }

    static StatusRuntimeException unknownNode(String nodeId, String known) {
        return io.grpc.Status.NOT_FOUND.withDescription("node '" + nodeId + "' is not in the cluster file (nodes: " + known + ")")
                .asRuntimeException();
    }

    static StatusRuntimeException membershipChangeFailed(String verb, String nodeId, Status raftStatus) {
        return io.grpc.Status.FAILED_PRECONDITION
                .withDescription("cannot " + verb + " node " + nodeId + ": " + raftStatus.getErrorMsg())
                .asRuntimeException();
    }

    /**
     * FAILED_PRECONDITION with a {@link PreconditionFailure} of type {@value #QUORUM_VIOLATION}: the
     * removal would leave a configuration without a majority this leader hears from (see
     * {@link RemovalQuorum}). Nothing changed; the same removal succeeds once enough nodes are back.
     */
    static StatusRuntimeException removalLosesQuorum(String nodeId, List<String> membersAfter, List<String> reachable,
                                                     int needed) {
        String message = "cannot remove node " + nodeId + " now: the nodes left (" + String.join(", ", membersAfter)
                + ") need " + needed + " of them to commit the change and to elect a leader afterwards, and this leader"
                + " hears from only " + reachable.size() + (reachable.isEmpty() ? "" : " (" + String.join(", ", reachable) + ")")
                + ". Removed now, this leader would step down, and the cluster could stay without a leader until the"
                + " others are reachable again: bring them back first (or remove a node this leader cannot reach), then retry";
        return withDetail(Code.FAILED_PRECONDITION, message, PreconditionFailure.newBuilder()
                .addViolations(PreconditionFailure.Violation.newBuilder()
                        .setType(QUORUM_VIOLATION).setSubject("node/" + nodeId).setDescription(message))
                .build());
    }

    static StatusRuntimeException notAMember(String nodeId) {
        return io.grpc.Status.FAILED_PRECONDITION.withDescription("node " + nodeId
                + " is not in the Raft configuration; add it first ('raftchat admin add-node " + nodeId + "')").asRuntimeException();
    }

    static StatusRuntimeException transferRefused(String nodeId, Status raftStatus) {
        return io.grpc.Status.FAILED_PRECONDITION.withDescription("cannot transfer leadership to "
                + (nodeId.isEmpty() ? "any follower" : nodeId) + ": " + raftStatus.getErrorMsg()).asRuntimeException();
    }

    static StatusRuntimeException transferTimedOut(String nodeId, long timeoutMs) {
        return io.grpc.Status.UNAVAILABLE.withDescription("leadership did not move to "
                + (nodeId.isEmpty() ? "a follower" : nodeId) + " within " + timeoutMs
                + " ms; it stays with (or returns to) the current leader; check 'raftchat admin status' and retry")
                .asRuntimeException();
    }

    /** A status with one google.rpc detail, which clients read with StatusProto.fromThrowable. */
    private static StatusRuntimeException withDetail(Code code, String message, Message detail) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(message)
                .addDetails(Any.pack(detail))
                .build());
    }

    /** The text of a failure to report inside an answer (per-node results), not as the call's status. */
    static String describe(Throwable t) {
        StatusRuntimeException status = toStatus(t);
        return status.getStatus().getCode() + ": " + status.getStatus().getDescription();
    }

    /** Maps anything thrown on the serving path to a status; unknown errors become INTERNAL. */
    static StatusRuntimeException toStatus(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (cause instanceof InvalidRequestException ire) {
            return invalid(ire.getMessage());
        }
        return io.grpc.Status.INTERNAL.withDescription("internal error: " + cause).withCause(cause).asRuntimeException();
    }
}
