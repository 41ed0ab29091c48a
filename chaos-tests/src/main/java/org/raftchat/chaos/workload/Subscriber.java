package org.raftchat.chaos.workload;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.raftchat.chaos.history.History;
import org.raftchat.chaos.history.SubscriberEvent;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.SubscribeRequest;

/**
 * Tails one room, records every message exactly as a node pushed it (duplicates and gaps
 * included: that is what the checker looks for), and on failure reconnects to the next node
 * from the highest seq it has seen.
 */
final class Subscriber implements Runnable {

    private final int subscriber;
    private final History history;
    private final NodeChannels nodes;
    private final String room;
    private volatile boolean running = true;
    private volatile Context.CancellableContext current;
    private volatile long highestSeq;
    private int nodeIndex;

    Subscriber(int subscriber, History history, NodeChannels nodes, String room) {
        this.subscriber = subscriber;
        this.history = history;
        this.nodes = nodes;
        this.room = room;
        this.nodeIndex = subscriber;
    }

    void stop() {
        running = false;
        Context.CancellableContext ctx = current;
        if (ctx != null) {
            ctx.cancel(null);
        }
    }

    @Override
    public void run() {
        while (running) {
            List<String> ids = nodes.nodeIds();
            String node = ids.get(nodeIndex++ % ids.size());
            streamFrom(node);
            Pause.millis(200);
        }
    }

    /** One connection: returns when the stream ends, for whatever reason. */
    private void streamFrom(String node) {
        long afterSeq = highestSeq;
        history.subscriberEvent(subscriber, node, room, SubscriberEvent.CONNECT, afterSeq, null);
        CountDownLatch ended = new CountDownLatch(1);
        Context.CancellableContext ctx = Context.current().withCancellation();
        current = ctx;
        ctx.run(() -> nodes.async(node).subscribe(SubscribeRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setRoom(room)).setAfterSeq(afterSeq).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(ChatMessage m) {
                        history.delivery(subscriber, node, room, m.getSeq(), m.getText());
                        highestSeq = Math.max(highestSeq, m.getSeq());
                    }

                    @Override
                    public void onError(Throwable t) {
                        history.subscriberEvent(subscriber, node, room, SubscriberEvent.DISCONNECT, highestSeq, t.getMessage());
                        ended.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        history.subscriberEvent(subscriber, node, room, SubscriberEvent.DISCONNECT, highestSeq, "completed");
                        ended.countDown();
                    }
                }));
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.cancel(e);
        }
    }
}
