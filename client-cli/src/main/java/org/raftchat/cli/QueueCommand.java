package org.raftchat.cli;

import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ConsumeResponse;
import org.raftchat.proto.v1.QueueConsumerStatus;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.ReceiveQueueResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Work-queue rooms from the command line. {@code consume} is a worker: it consumes the room, prints
 * each message assigned to this session and acknowledges it once printed. The other actions are
 * the single steps, for scripts.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = {"Work-queue rooms (create one with 'create-room NAME --queue'): each post goes to exactly one "
                + "consuming session, round-robin.",
                "  queue consume ROOM [--count N] [--no-ack]   work: print each message assigned to you, ack it once printed",
                "  queue start ROOM | stop ROOM                start / stop consuming (stop hands your unacked messages on)",
                "  queue receive ROOM                          the messages assigned to you and not acked yet",
                "  queue ack ROOM SEQ...                       acknowledge messages you handled",
                "  queue status ROOM                           consumers, what each holds, how many wait"})
final class QueueCommand extends ClientCommand {

    private static final List<String> ACTIONS = List.of("consume", "start", "stop", "receive", "ack", "status");
    /** How often a consumer looks for messages handed on to it; new posts wake it at once (see consume). */
    private static final long POLL_INTERVAL_MS = 1_000;

    @Parameters(index = "0", paramLabel = "ACTION", description = "consume, start, stop, receive, ack or status")
    String action;

    @Parameters(index = "1", paramLabel = "ROOM")
    String room;

    @Parameters(index = "2..*", paramLabel = "SEQ", description = "For ack: the message seqs to acknowledge.")
    List<Long> seqs = List.of();

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "consume: stop after handling N messages (default: run until interrupted).")
    int count;

    @Option(names = "--no-ack", description = "consume: print but do not acknowledge; when the consumer stops, "
            + "what it holds goes to the other consumers.")
    boolean noAck;

    @Override
    void validate() {
        if (!ACTIONS.contains(action)) {
            throw usage("ACTION: expected one of " + String.join(", ", ACTIONS) + ", got '" + action + "'");
        }
        if (action.equals("ack") && seqs.isEmpty()) {
            throw usage("queue ack: which SEQ?");
        }
        if (!action.equals("ack") && !seqs.isEmpty()) {
            throw usage("queue " + action + ": unexpected " + seqs);
        }
        if (count < 0) {
            throw usage("--count: must be >= 0, got " + count);
        }
    }

    @Override
    int run(ChatClient client) throws InterruptedException {
        ZoneId zone = root.context().zone();
        switch (action) {
            case "consume" -> consume(client, zone);
            case "start" -> {
                ConsumeResponse started = client.startConsuming(room);
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
            default -> printStatus(client.queueStatus(room));
        }
        return ExitCodes.OK;
    }

    /** Consumes until interrupted or {@code count} messages are handled, then stops consuming. */
    private void consume(ChatClient client, ZoneId zone) throws InterruptedException {
        client.startConsuming(room);
        output().notice("consuming #" + room + (noAck ? " without acknowledging" : "") + "; Ctrl-C stops");
        ScheduledExecutorService heartbeats = heartbeats(client);
        Thread stopOnExit = new Thread(() -> stopQuietly(client), "raftchat-queue-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        // Without acks the same messages come back on every poll: show each once. A set, not a high-water
        // mark: a message handed on from a consumer that ended may be older than what we hold.
        Set<Long> shown = new HashSet<>();
        int handled = 0;
        // A post to the room is the usual reason for new work: its arrival on the room's stream wakes the
        // loop at once. Hand-ons from a consumer that ended post nothing, so the loop also polls.
        Semaphore posted = new Semaphore(0);
        long lastSeq = client.readHistory(Conversations.room(room), HistoryAnchor.latest(), 1).getLastSeq();
        Subscription wakeUps = client.subscribe(Conversations.room(room), lastSeq, SubscriptionListener.of(m -> posted.release()));
        try {
            while (count == 0 || handled < count) {
                ReceiveQueueResponse held = client.receiveQueue(room, Defaults.MAX_HISTORY_PAGE);
                if (!held.getConsuming()) {
                    // The session went offline (a missed heartbeat, a paused laptop): what it held was handed on.
                    output().notice("this session stopped consuming #" + room + " (offline for a while); consuming again");
                    client.startConsuming(room);
                    continue;
                }
                for (QueueDelivery delivery : held.getDeliveriesList()) {
                    long seq = delivery.getMessage().getSeq();
                    if (noAck && !shown.add(seq)) {
                        continue;
                    }
                    // One line per message as it is handled: NDJSON with --output json.
                    output().result(Delivery.of(delivery), line(delivery, zone));
                    if (!noAck) {
                        ackOrExplain(client, seq);
                    }
                    if (++handled == count) {
                        break;
                    }
                }
                if (count == 0 || handled < count) {
                    posted.tryAcquire(POLL_INTERVAL_MS, TimeUnit.MILLISECONDS);
                    posted.drainPermits();
                }
            }
        } finally {
            wakeUps.close();
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

    private void printStatus(QueueStatus status) {
        Status view = new Status(status.getRoom(), status.getConsumersList().stream()
                .map(c -> new Consumer(c.getUsername(), c.getDeviceId(), c.getInFlight())).toList(), status.getWaiting());
        output().result(view, out -> {
            out.println("#" + status.getRoom() + ": " + status.getConsumersCount() + " consumers, " + status.getWaiting()
                    + " waiting for a consumer");
            for (QueueConsumerStatus consumer : status.getConsumersList()) {
                out.println("  " + consumer.getUsername() + " (" + consumer.getDeviceId() + ")\t" + consumer.getInFlight() + " in flight");
            }
        });
    }

    // What --output json prints (see JsonViews for the conventions).

    record Consumption(String room, boolean consuming, int consumerCount) {
        static Consumption of(ConsumeResponse response) {
            return new Consumption(response.getRoom(), response.getConsuming(), response.getConsumerCount());
        }
    }

    /** A message assigned to this session; {@code deliveryCount} above 1: handed on from a consumer that ended. */
    record Delivery(JsonViews.Message message, int deliveryCount) {
        static Delivery of(QueueDelivery delivery) {
            return new Delivery(JsonViews.Message.of(delivery.getMessage()), delivery.getDeliveryCount());
        }
    }

    record Held(String room, List<Delivery> deliveries, boolean consuming) { }

    record Acked(String room, List<Long> seqs) { }

    record Consumer(String username, String deviceId, int inFlight) { }

    record Status(String room, List<Consumer> consumers, long waiting) { }

    private static String line(QueueDelivery delivery, ZoneId zone) {
        String line = MessageLines.format(delivery.getMessage(), zone);
        return delivery.getDeliveryCount() > 1 ? line + "  (delivery " + delivery.getDeliveryCount() + ")" : line;
    }
}
