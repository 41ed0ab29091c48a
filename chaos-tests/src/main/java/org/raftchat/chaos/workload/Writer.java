package org.raftchat.chaos.workload;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.history.History;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.NotLeader;
import org.raftchat.proto.v1.PostRoomMessageRequest;

/**
 * One client process posting unique messages. Each message is one operation: the same
 * idempotency key on every attempt, following the leader hint, moving on from nodes that do not
 * answer, until a budget is spent: the real client's retry rules.
 *
 * <p>The outcome is OK with the stored seq; FAIL only when no attempt can have reached the log
 * (every refusal came before proposing); otherwise INFO, an unknown outcome.
 */
final class Writer implements Runnable {

    private final int process;
    private final History history;
    private final NodeChannels nodes;
    private final List<String> rooms;
    private final WorkloadParams params;
    private final Random random;
    private volatile boolean running = true;
    private String target;
    private int sequence;

    Writer(int process, History history, NodeChannels nodes, List<String> rooms, WorkloadParams params, long seed) {
        this.process = process;
        this.history = history;
        this.nodes = nodes;
        this.rooms = rooms;
        this.params = params;
        this.random = new Random(seed);
        this.target = nodes.nodeIds().get(process % nodes.nodeIds().size());
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            postOne();
            Pause.millis(params.writerPauseMs());
        }
    }

    private void postOne() {
        String room = rooms.get(random.nextInt(rooms.size()));
        String key = "p" + process + "-" + (++sequence);
        Op invoke = history.invoke(process, OpFunction.POST, room, target, key);
        PostRoomMessageRequest request = PostRoomMessageRequest.newBuilder()
                .setIdempotencyKey(key).setRoom(room).setText(key).build();
        long deadline = System.nanoTime() + params.writeBudgetMs() * 1_000_000L;
        boolean maybeProposed = false;
        String lastError = "";
        long backoffMs = 20;
        while (System.nanoTime() < deadline) {
            try {
                ChatMessage stored = nodes.blocking(target, params.callDeadlineMs()).postRoomMessage(request).getMessage();
                history.okPost(invoke, stored.getSeq());
                return;
            } catch (StatusRuntimeException e) {
                lastError = target + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription();
                Status.Code code = e.getStatus().getCode();
                if (isFinal(code)) {
                    history.fail(invoke, lastError);
                    return;
                }
                maybeProposed |= !refusedBeforeProposing(code);
                String hinted = leaderHint(e);
                target = hinted != null ? hinted : nextNode();
                if (hinted == null) {
                    Pause.millis(backoffMs);
                    backoffMs = Math.min(backoffMs * 2, Defaults.CLIENT_BACKOFF_MAX.toMillis());
                }
            }
        }
        if (maybeProposed) {
            history.info(invoke, "unknown outcome after " + params.writeBudgetMs() + " ms; last: " + lastError);
        } else {
            history.fail(invoke, "refused before proposing on every attempt; last: " + lastError);
        }
    }

    private static boolean isFinal(Status.Code code) {
        return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.NOT_FOUND || code == Status.Code.ALREADY_EXISTS
                || code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNAUTHENTICATED;
    }

    /** Not the leader, or its queue was full: the node said so before appending anything. */
    private static boolean refusedBeforeProposing(Status.Code code) {
        return code == Status.Code.FAILED_PRECONDITION || code == Status.Code.RESOURCE_EXHAUSTED;
    }

    private String leaderHint(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return null;
        }
        for (com.google.protobuf.Any detail : status.getDetailsList()) {
            if (detail.is(NotLeader.class)) {
                try {
                    String id = nodes.idOfAddress(detail.unpack(NotLeader.class).getLeaderApiAddress());
                    return id != null && !id.equals(target) ? id : null;
                } catch (com.google.protobuf.InvalidProtocolBufferException malformed) {
                    return null;
                }
            }
        }
        return null;
    }

    private String nextNode() {
        List<String> ids = nodes.nodeIds();
        return ids.get((ids.indexOf(target) + 1) % ids.size());
    }
}
