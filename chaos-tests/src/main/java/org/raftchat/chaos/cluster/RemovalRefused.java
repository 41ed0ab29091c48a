package org.raftchat.chaos.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.Status;
import io.grpc.protobuf.StatusProto;

/**
 * The leader refused a removal because the configuration after it would have no majority the leader
 * hears from (a QUORUM precondition failure): the cluster said no and changed nothing.
 */
public final class RemovalRefused extends IllegalStateException {

    /** The node's violation type for such a refusal (GrpcErrors.QUORUM_VIOLATION in raft-node). */
    private static final String QUORUM_VIOLATION = "QUORUM";

    RemovalRefused(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code error} is the node's refusal of a removal that would leave no reachable majority. */
    static boolean isQuorumRefusal(Throwable error) {
        Status status = StatusProto.fromThrowable(error);
        if (status == null) {
            return false;
        }
        return status.getDetailsList().stream()
                .filter(detail -> detail.is(PreconditionFailure.class))
                .anyMatch(detail -> {
                    try {
                        return detail.unpack(PreconditionFailure.class).getViolationsList().stream()
                                .anyMatch(violation -> QUORUM_VIOLATION.equals(violation.getType()));
                    } catch (InvalidProtocolBufferException e) {
                        return false;
                    }
                });
    }
}
