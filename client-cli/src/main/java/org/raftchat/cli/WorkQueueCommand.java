package org.raftchat.cli;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.client.ResumingQueueStream;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConsumeResponse;
import org.raftchat.proto.v1.QueueConsumerStatus;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReceiveQueueResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Work-queue rooms from the command line. {@code consume} is a worker: it consumes the room with a
 * prefetch, receives the messages assigned to this session on a stream (resumed on another node,
 * from the last delivery it saw, when a node goes away), prints each and acknowledges it once
 * printed. The other actions are the single steps, for scripts.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = {"Work-queue rooms (create one with 'create-room NAME --queue'): each post goes to exactly one "
                + "consuming session; each consumer holds at most its prefetch of unacknowledged messages, the rest wait "
                + "for the first consumer with room. A message not acknowledged within the queue's ack timeout, or handed "
                + "back (nack), goes to another consumer; after its last allowed delivery it goes to the dead-letter "
                + "room ROOM.dlq, which the queue's owner can read.",
                "  queue consume ROOM [--prefetch N] [--count N] [--no-ack]   work: print each message assigned to you, ack it once printed",
                "  queue start ROOM [--prefetch N] | stop ROOM                start / stop consuming (stop hands your unacked messages on)",
                "  queue receive ROOM                                         the messages assigned to you and not acked yet",
                "  queue ack ROOM SEQ... | nack ROOM SEQ...                   acknowledge messages you handled / hand them back",
                "  queue status ROOM                                          consumers, what each holds, how many wait, the policy",
                "  queue dead-letters ROOM                                    the latest messages of ROOM.dlq (owner only)"})
final class WorkQueueCommand extends ClientCommand {

    private static final List<String> ACTIONS = List.of("consume", "start", "stop", "receive", "ack", "nack", "status", "dead-letters");
    /** A queue's dead-letter room is its name followed by this (the server's convention, see chat_service.proto). */
    static final String DEAD_LETTER_SUFFIX = ".dlq";

    @Parameters(index = "0", paramLabel = "ACTION", description = "consume, start, stop, receive, ack, nack, status or dead-letters")
    String action;

    @Parameters(index = "1", paramLabel = "ROOM")
    String room;

    @Parameters(index = "2..*", paramLabel = "SEQ", description = "For ack and nack: the message seqs.")
    List<Long> seqs = List.of();

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "consume: stop after handling N messages (default: run until interrupted).")
    int count;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "0",
            description = "consume, start: unacknowledged messages this session holds at most (1..100; default 1).")
    int prefetch;

    @Option(names = "--no-ack", description = "consume: print but do not acknowledge; after the queue's ack timeout "
            + "(or when the consumer stops) what it holds goes to the other consumers.")
    boolean noAck;

    @Override
    void validate() {
        if (!ACTIONS.contains(action)) {
            throw usage("ACTION: expected one of " + String.join(", ", ACTIONS) + ", got '" + action + "'");
        }
        boolean takesSeqs = action.equals("ack") || action.equals("nack");
        if (takesSeqs && seqs.isEmpty()) {
            throw usage("queue " + action + ": which SEQ?");
        }
        if (!takesSeqs && !seqs.isEmpty()) {
            throw usage("queue " + action + ": unexpected " + seqs);
        }
        if (count < 0) {
            throw usage("--count: must be >= 0, got " + count);
        }
        if (prefetch < 0) {
            throw usage("--prefetch: must be >= 0, got " + prefetch);
        }
    }

    @Override
    int run(ChatClient client) throws InterruptedException {
        ZoneId zone = root.context().zone();
        switch (action) {
            case "consume" -> consume(client, zone);
            case "start" -> {
                ConsumeResponse started = client.startConsuming(room, prefetch);
                output().result(Consumption.of(started), "consuming #" + room + " (" + started.getConsumerCount() + " consumers)");
            }
            case "stop" -> {
                ConsumeResponse stopped = client.stopConsuming(room);
                output().result(Consumption.of(stopped), "stopped consuming #" + room + " (" + stopped.getConsumerCount()
                        + " consumers left)");
            }
            case "receive" -> {
                ReceiveQueueResponse held = client.receiveQueue(room, Defaults.MAX_HISTORY_PAGE);
                output().result(new Held(room, held.getDeliveriesList().stream().map(Delivery::of).toList(), held.getConsuming()),
                        out -> held.getDeliveriesList().forEach(d -> out.println(line(d, zone))));
                if (!held.getConsuming()) {
                    output().notice("this session does not consume #" + room + ": run 'raftchat queue start " + room + "'");
                }
            }
            case "ack" -> {
                for (long seq : seqs) {
                    client.ackQueueMessage(room, seq);
                }
                output().result(new Acked(room, seqs), out -> seqs.forEach(seq -> out.println("acked #" + room + " seq=" + seq)));
            }
            case "nack" -> {
                List<Nacked> nacked = new java.util.ArrayList<>();
                for (long seq : seqs) {
                    nacked.add(new Nacked(room, seq, client.nackQueueMessage(room, seq).getDeadLettered()));
                }
                output().result(nacked, out -> nacked.forEach(n -> out.println("handed back #" + room + " seq=" + n.seq()
                        + (n.deadLettered() ? " (its last delivery: moved to #" + room + DEAD_LETTER_SUFFIX + ")" : ""))));
            }
            case "dead-letters" -> printDeadLetters(client, zone);
            default -> printStatus(client.queueStatus(room));
        }
        return ExitCodes.OK;
    }

    /** Consumes until interrupted or {@code count} messages are handled, then stops consuming. */
    private void consume(ChatClient client, ZoneId zone) throws InterruptedException {
        client.startConsuming(room, prefetch);
        output().notice("consuming #" + room + (noAck ? " without acknowledging" : "") + "; Ctrl-C stops");
        ScheduledExecutorService heartbeats = heartbeats(client);
        Thread stopOnExit = new Thread(() -> stopQuietly(client), "raftchat-queue-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            new Worker(client, zone).run();
        } finally {
            heartbeats.shutdownNow();
            stopQuietly(client);
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // Already exiting: the hook runs (stopping twice is harmless).
            }
        }
    }

    /**
     * The consume loop: reads the session's deliveries (the client resumes the stream on another
     * node after the last delivery handled, and consumes again if the cluster took the session for gone).
     */
    private final class Worker {
        private final ChatClient client;
        private final ZoneId zone;
        private int handled;

        Worker(ChatClient client, ZoneId zone) {
            this.client = client;
            this.zone = zone;
        }

        void run() throws InterruptedException {
            try (ResumingQueueStream deliveries = client.streamQueue(room, prefetch, reason ->
                    // The session was taken for gone (a missed heartbeat, a paused laptop): what it held was handed on.
                    output().notice("this session stopped consuming #" + room + " (" + reason + "); consuming again"))) {
                while (!done()) {
                    handle(deliveries.next());
                }
            }
        }

        private boolean done() {
            return count > 0 && handled >= count;
        }

        private void handle(QueueDelivery delivery) {
            // One line per message as it is handled: NDJSON with --output json.
            output().result(Delivery.of(delivery), line(delivery, zone));
            if (!noAck) {
                ackOrExplain(client, delivery.getMessage().getSeq());
            }
            handled++;
        }
    }

    /**
     * Acks a handled message. If it was handed on meanwhile (this session was taken for gone), the
     * cluster refuses the ack: the work was done twice, which at-least-once delivery allows; say so and go on.
     */
    private void ackOrExplain(ChatClient client, long seq) {
        try {
            client.ackQueueMessage(room, seq);
        } catch (ChatClientException e) {
            if (e.category() != ChatClientException.Category.REJECTED) {
                throw e;
            }
            output().notice("could not acknowledge #" + room + " seq=" + seq + ": " + e.getMessage());
        }
    }

    private void stopQuietly(ChatClient client) {
        try {
            client.stopConsuming(room);
        } catch (RuntimeException e) {
            // The cluster ends the consumer anyway when its session goes quiet (presence timeout).
        }
    }

    private static ScheduledExecutorService heartbeats(ChatClient client) {
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raftchat-heartbeat");
            t.setDaemon(true);
            return t;
        });
        // A consumer that stops heartbeating is taken for gone and its messages go to the others.
        long periodMs = Defaults.HEARTBEAT_INTERVAL.toMillis();
        heartbeats.scheduleAtFixedRate(() -> {
            try {
                client.heartbeat();
            } catch (RuntimeException e) {
                // A missed beat only matters if the next two miss too.
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return heartbeats;
    }

    /** The latest page of the queue's dead-letter room: what went there after its last delivery. */
    private void printDeadLetters(ChatClient client, ZoneId zone) {
        String deadLetterRoom = room + DEAD_LETTER_SUFFIX;
        List<ChatMessage> dead = client.readHistory(ConversationRefs.room(deadLetterRoom), HistoryAnchor.latest(), 0).getMessagesList();
        output().result(dead.stream().map(m -> new DeadLetter(JsonViews.Message.of(m), m.getRefersToSeq())).toList(),
                out -> dead.forEach(m -> out.println(MessageLines.format(m, zone) + "  (was #" + room + " seq " + m.getRefersToSeq() + ")")));
    }

    private static String policy(QueueStatus status) {
        if (!status.hasPolicy() || status.getPolicy().getMaxDeliveries() == 0 && status.getPolicy().getAckTimeoutMs() == 0) {
            return "";
        }
        return "; ack timeout " + status.getPolicy().getAckTimeoutMs() / 1000 + " s, at most "
                + status.getPolicy().getMaxDeliveries() + " deliveries, then #" + status.getDeadLetterRoom();
    }

    private void printStatus(QueueStatus status) {
        Status view = new Status(status.getRoom(), status.getConsumersList().stream()
                .map(c -> new Consumer(c.getUsername(), c.getDeviceId(), c.getInFlight(), c.getPrefetch())).toList(), status.getWaiting(),
                status.getPolicy().getAckTimeoutMs(), status.getPolicy().getMaxDeliveries(), status.getDeadLetterRoom());
        output().result(view, out -> {
            out.println("#" + status.getRoom() + ": " + status.getConsumersCount() + " consumers, " + status.getWaiting()
                    + " waiting for a consumer with room" + policy(status));
            for (QueueConsumerStatus consumer : status.getConsumersList()) {
                out.println("  " + consumer.getUsername() + " (" + consumer.getDeviceId() + ")\t" + consumer.getInFlight() + " in flight"
                        + (consumer.getPrefetch() > 0 ? " of " + consumer.getPrefetch() : ""));
            }
        });
    }

    // What --output json prints (see JsonViews for the conventions).

    record Consumption(String room, boolean consuming, int consumerCount) {
        static Consumption of(ConsumeResponse response) {
            return new Consumption(response.getRoom(), response.getConsuming(), response.getConsumerCount());
        }
    }

    /** A message assigned to this session; {@code deliveryCount} above 1: delivered before (handed back, or timed out). */
    record Delivery(JsonViews.Message message, int deliveryCount, long deliveryId) {
        static Delivery of(QueueDelivery delivery) {
            return new Delivery(JsonViews.Message.of(delivery.getMessage()), delivery.getDeliveryCount(), delivery.getDeliveryId());
        }
    }

    record Held(String room, List<Delivery> deliveries, boolean consuming) { }

    record Acked(String room, List<Long> seqs) { }

    record Nacked(String room, long seq, boolean deadLettered) { }

    record DeadLetter(JsonViews.Message message, long queueSeq) { }

    record Consumer(String username, String deviceId, int inFlight, int prefetch) { }

    record Status(String room, List<Consumer> consumers, long waiting, long ackTimeoutMs, int maxDeliveries, String deadLetterRoom) { }

    private static String line(QueueDelivery delivery, ZoneId zone) {
        String line = MessageLines.format(delivery.getMessage(), zone);
        return delivery.getDeliveryCount() > 1 ? line + "  (delivery " + delivery.getDeliveryCount() + ")" : line;
    }
}
