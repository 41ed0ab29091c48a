package org.raftchat.cli.interactive;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.client.Subscription;
import org.raftchat.client.SubscriptionListener;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.UnreadCount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversation on screen and its live feed: one subscription at a time, started from the last
 * seq shown there. Its {@link ConversationView} drops anything already shown and a gap is filled
 * from history, so every message appears once and in order, across reconnects (the subscription's
 * own failover, reported to the status line through {@link #connection()}) and across switching away
 * and back.
 *
 * <p>Thread-safe: what is shown is decided under {@link #lock}; subscription callbacks of a replaced
 * subscription (an older {@link #generation()}) are ignored.
 */
final class CurrentConversation {

    private static final Logger log = LoggerFactory.getLogger(CurrentConversation.class);

    /** Already-read messages shown before the "new messages" marker on a first visit. */
    static final int CONTEXT_MESSAGES = 10;
    static final Duration RESUBSCRIBE_PAUSE = Duration.ofSeconds(2);
    private static final Duration PROBE_PAUSE = Duration.ofMillis(200);
    private static final int CATCH_UP_PAGE = 500;

    /** The read position to store: the last message shown in a conversation. */
    record ReadMark(ConversationRef conversation, long seq) { }

    private final ChatClient client;
    private final Screen screen;
    private final String me;
    private final Function<ChatMessage, String> format;
    /** Lines that name the user are shown highlighted, with the bell. */
    private final Mentions mentions;
    /** Runs probes and resubscriptions. */
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();

    // Guarded by lock.
    private final Map<ConversationRef, ConversationView> views = new LinkedHashMap<>();
    private ConversationRef current;
    private Subscription subscription;
    private long generation;

    private volatile Connection connection = new Connection.Connecting("");
    private final AtomicReference<ReadMark> lastShown = new AtomicReference<>();

    CurrentConversation(ChatClient client, Screen screen, String me, Function<ChatMessage, String> format,
            ScheduledExecutorService scheduler) {
        this(client, screen, me, format, scheduler, new Mentions(me));
    }

    CurrentConversation(ChatClient client, Screen screen, String me, Function<ChatMessage, String> format,
            ScheduledExecutorService scheduler, Mentions mentions) {
        this.mentions = Objects.requireNonNull(mentions, "mentions");
        this.client = Objects.requireNonNull(client, "client");
        this.screen = Objects.requireNonNull(screen, "screen");
        this.me = Objects.requireNonNull(me, "me");
        this.format = Objects.requireNonNull(format, "format");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    Connection connection() {
        return connection;
    }

    /** The last message shown in the conversation that was current then; empty before any. */
    Optional<ReadMark> lastShown() {
        return Optional.ofNullable(lastShown.get());
    }

    /** {@code #room> } or {@code @peer> }. */
    String prompt() {
        ConversationRef ref = current();
        return (ref.getKindCase() == ConversationRef.KindCase.DIRECT ? "@" + peer(ref) : "#" + ref.getRoom()) + "> ";
    }

    /** /history: up to {@code count} messages older than the oldest shown here, never one already shown. */
    void showOlder(int count) {
        ConversationRef ref = current();
        long before;
        synchronized (lock) {
            before = view(ref).olderThan();
        }
        if (before <= 1) {
            screen.print("* nothing older in " + ConversationRefs.describe(ref));
            return;
        }
        ReadHistoryResponse page = client.readHistory(ref, HistoryAnchor.before(before), count);
        synchronized (lock) {
            List<String> lines = view(ref).olderPage(page.getMessagesList());
            screen.print("------------------------- earlier in " + ConversationRefs.describe(ref) + " -------------------------");
            lines.forEach(screen::print);
            screen.print("------------------------- end of earlier -------------------------");
        }
    }

    /** Ends the feed; no message is shown after this returns. */
    void close() {
        Subscription last;
        synchronized (lock) {
            generation++;
            last = subscription;
            subscription = null;
        }
        if (last != null) {
            last.close();
        }
    }

    /**
     * Makes {@code target} current: shows what is new there (with the marker at the read position),
     * then follows it live from the last shown seq.
     */
    void switchTo(ConversationRef target) {
        ConversationRef ref = ConversationRefs.canonical(target);
        long readSeq = readPosition(ref);
        Subscription old;
        ConversationRef previous;
        long gen;
        synchronized (lock) {
            previous = current;
            old = subscription;
            subscription = null;
            current = ref;
            gen = ++generation;
            screen.print("========================= " + ConversationRefs.describe(ref) + " =========================");
            view(ref).enter(readSeq, CONTEXT_MESSAGES);
        }
        if (old != null) {
            old.close();
        }
        try {
            follow(ref, gen);
            screen.prompt(prompt());
        } catch (ChatClientException e) {
            if (previous == null || previous.equals(ref)) {
                throw e;
            }
            // E.g. /query of an unknown user: say why and go back rather than sit in a conversation that cannot load.
            screen.print("! cannot show " + ConversationRefs.describe(ref) + ": " + e.getMessage());
            switchTo(previous);
        }
    }

    /** Shows history after the last shown seq, then subscribes from there (both under the same generation). */
    private void follow(ConversationRef ref, long gen) {
        catchUp(ref, gen);
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            ConversationView view = view(ref);
            view.caughtUp();
            subscription = client.subscribe(ref, view.lastShownSeq(), new Listener(ref, gen));
        }
    }

    private void catchUp(ConversationRef ref, long gen) {
        while (true) {
            long after;
            synchronized (lock) {
                if (gen != generation) {
                    return;
                }
                after = view(ref).lastShownSeq();
            }
            List<ChatMessage> page = client.readHistory(ref, HistoryAnchor.after(after), CATCH_UP_PAGE).getMessagesList();
            synchronized (lock) {
                if (gen != generation) {
                    return;
                }
                page.forEach(m -> show(ref, m));
            }
            if (page.size() < CATCH_UP_PAGE) {
                return;
            }
        }
    }

    /** Shows {@code m} if it is next; the caller holds the lock. */
    private void show(ConversationRef ref, ChatMessage m) {
        ConversationView view = view(ref);
        ConversationView.Offer offer = view.offer(m);
        if (offer instanceof ConversationView.Offer.Gap gap) {
            fillGap(ref, gap);
            offer = view.offer(m);
        }
        if (offer instanceof ConversationView.Offer.Show shown) {
            display(shown, m);
            lastShown.set(new ReadMark(ref, m.getSeq()));
        } else if (offer instanceof ConversationView.Offer.Gap gap) {
            screen.print("! messages " + (gap.afterSeq() + 1) + ".." + (gap.beforeSeq() - 1) + " of "
                    + ConversationRefs.describe(ref) + " could not be read; [" + m.getSeq() + "] is held back");
        }
    }

    /** Reads the missing messages from history (any node, linearizable) and shows them; the caller holds the lock. */
    private void fillGap(ConversationRef ref, ConversationView.Offer.Gap gap) {
        log.debug("{}: filling seq {}..{} from history", ConversationRefs.describe(ref), gap.afterSeq() + 1, gap.beforeSeq() - 1);
        try {
            long after = gap.afterSeq();
            while (after < gap.beforeSeq() - 1) {
                int limit = (int) Math.min(CATCH_UP_PAGE, gap.beforeSeq() - 1 - after);
                List<ChatMessage> page = client.readHistory(ref, HistoryAnchor.after(after), limit).getMessagesList();
                if (page.isEmpty()) {
                    return;
                }
                for (ChatMessage m : page) {
                    if (m.getSeq() < gap.beforeSeq() && view(ref).offer(m) instanceof ConversationView.Offer.Show shown) {
                        display(shown, m);
                    }
                }
                after = page.get(page.size() - 1).getSeq();
            }
        } catch (ChatClientException e) {
            log.debug("gap fill failed", e);
        }
    }

    /** A message as this screen shows it. */
    String format(ChatMessage m) {
        return format.apply(m);
    }

    /** The message's line is the last one shown (a marker may come first); highlighted if it names the user. */
    private void display(ConversationView.Offer.Show shown, ChatMessage m) {
        List<String> lines = shown.lines();
        lines.subList(0, lines.size() - 1).forEach(screen::print);
        String line = lines.get(lines.size() - 1);
        if (mentions.mentions(m)) {
            screen.mention(line);
        } else {
            screen.print(line);
        }
    }

    private ConversationView view(ConversationRef ref) {
        return views.computeIfAbsent(ref, r -> new ConversationView(r, format));
    }

    /** The conversation shown; null before the first switch. */
    ConversationRef current() {
        synchronized (lock) {
            return current;
        }
    }

    private long readPosition(ConversationRef ref) {
        try {
            return client.unread().getConversationsList().stream()
                    .filter(c -> ConversationRefs.canonical(c.getConversation()).equals(ref))
                    .mapToLong(UnreadCount::getReadSeq).findFirst().orElse(0);
        } catch (ChatClientException e) {
            return 0;
        }
    }

    /** The other user of a private conversation. */
    String peer(ConversationRef direct) {
        String a = direct.getDirect().getUserA();
        return a.equals(me) ? direct.getDirect().getUserB() : a;
    }

    /** The current subscription's callbacks; those of a replaced one are ignored. */
    private final class Listener implements SubscriptionListener {
        private final ConversationRef ref;
        private final long gen;

        Listener(ConversationRef ref, long gen) {
            this.ref = ref;
            this.gen = gen;
        }

        private boolean stale() {
            synchronized (lock) {
                return gen != generation;
            }
        }

        @Override
        public void onMessage(ChatMessage message) {
            synchronized (lock) {
                if (gen != generation) {
                    return;
                }
                show(ref, message);
            }
        }

        @Override
        public void onConnecting(String address) {
            if (!stale()) {
                connection = new Connection.Connecting(address);
                probe(address, gen);
            }
        }

        @Override
        public void onReconnecting(String lostAddress, String nextAddress, int attempt, Duration pause) {
            if (stale()) {
                return;
            }
            connection = new Connection.Reconnecting(lostAddress, nextAddress, attempt, Instant.now().plus(pause));
            if (attempt == 1) {
                // One line per outage; the status line counts the attempts.
                screen.print("* lost the connection to " + lostAddress + "; reconnecting");
            }
        }

        @Override
        public void onResumed(String address, long afterSeq) {
            // The end of an outage; its start is told by onReconnecting, its attempts by the status line.
            if (!stale()) {
                screen.print("* resumed " + ConversationRefs.describe(ref) + " on " + address + " after [" + afterSeq + "]");
            }
        }

        @Override
        public void onError(ChatClientException error) {
            if (stale()) {
                return;
            }
            connection = new Connection.Stopped(error.getMessage());
            switch (error.category()) {
                case NOT_FOUND, PERMISSION_DENIED -> {
                    // The room was deleted or we are no longer in it: following it again cannot work.
                    ConversationRef hall = ConversationRefs.room(InteractiveSession.MAIN_HALL);
                    screen.print("! " + ConversationRefs.describe(ref) + ": " + error.getMessage()
                            + (ref.equals(hall) ? "" : "; back to " + ConversationRefs.describe(hall)));
                    if (!ref.equals(hall)) {
                        Tasks.schedule(scheduler, () -> {
                            if (gen == generation()) {
                                switchTo(hall);
                            }
                        }, Duration.ZERO);
                    }
                }
                case UNAUTHENTICATED -> screen.print("! the session has ended (" + error.getMessage() + "); /quit and log in again");
                default -> {
                    screen.print("! live updates of " + ConversationRefs.describe(ref) + " stopped: " + error.getMessage()
                            + "; starting again in " + RESUBSCRIBE_PAUSE.toSeconds() + " s");
                    Tasks.schedule(scheduler, () -> resubscribe(ref, gen), RESUBSCRIBE_PAUSE);
                }
            }
        }
    }

    /** After a final subscription error: catch up from history and follow again, unless the user moved on. */
    private void resubscribe(ConversationRef ref, long failedGen) {
        long gen;
        synchronized (lock) {
            if (failedGen != generation) {
                return;
            }
            gen = ++generation;
        }
        try {
            follow(ref, gen);
            screen.prompt(prompt());
        } catch (ChatClientException e) {
            connection = new Connection.Stopped(e.getMessage());
            synchronized (lock) {
                if (gen == generation) {
                    Tasks.schedule(scheduler, () -> resubscribe(ref, gen), RESUBSCRIBE_PAUSE);
                }
            }
        }
    }

    /** Turns "connecting to X" into "connected to nN (X)" once X answers a call. */
    private void probe(String address, long gen) {
        Tasks.schedule(scheduler, () -> {
            if (!(connection instanceof Connection.Connecting c) || !c.address().equals(address) || gen != generation()) {
                return;
            }
            try {
                String nodeId = client.clusterInfo(address).getNodeId();
                if (connection instanceof Connection.Connecting still && still.address().equals(address)) {
                    connection = new Connection.Connected(nodeId, address);
                }
            } catch (ChatClientException e) {
                probe(address, gen);
            }
        }, PROBE_PAUSE);
    }

    /** Bumped by every switch: lets a caller tell whether what it read is still about the current conversation. */
    long generation() {
        synchronized (lock) {
            return generation;
        }
    }

}
