package org.raftchat.chaos.workload;

import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.history.History;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;

/**
 * One client process reading the latest window of a room on a randomly chosen node, followers
 * included. Each read is one attempt: what matters is what an answered read returned.
 */
final class Reader implements Runnable {

    private final int process;
    private final History history;
    private final NodeChannels nodes;
    private final List<String> rooms;
    private final WorkloadParams params;
    private final Random random;
    private volatile boolean running = true;

    Reader(int process, History history, NodeChannels nodes, List<String> rooms, WorkloadParams params, long seed) {
        this.process = process;
        this.history = history;
        this.nodes = nodes;
        this.rooms = rooms;
        this.params = params;
        this.random = new Random(seed);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            readOnce();
            Pause.millis(params.readerPauseMs());
        }
    }

    private void readOnce() {
        String room = rooms.get(random.nextInt(rooms.size()));
        List<String> ids = nodes.nodeIds();
        String node = ids.get(random.nextInt(ids.size()));
        Op invoke = history.invoke(process, OpFunction.READ, room, node, null);
        try {
            ReadHistoryResponse page = nodes.blocking(node, params.callDeadlineMs()).readHistory(ReadHistoryRequest.newBuilder()
                    .setConversation(ConversationRef.newBuilder().setRoom(room)).setLimit(params.readWindow()).build());
            history.okRead(invoke, page.getMessagesList().stream().map(ChatMessage::getText).toList(), page.getLastSeq());
        } catch (StatusRuntimeException e) {
            // A read changes nothing, so a failed one is simply FAIL.
            history.fail(invoke, node + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
        }
    }
}
