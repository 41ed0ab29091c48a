package org.raftchat.cli.interactive;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.raftchat.cli.ChatClient;
import org.raftchat.cli.ChatClientException;
import org.raftchat.cli.Conversations;
import org.raftchat.cli.HistoryAnchor;
import org.raftchat.cli.Subscription;
import org.raftchat.cli.SubscriptionListener;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.UnreadCount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat screen's logic: reads lines, runs slash commands, posts plain text to the current
 * conversation, and shows that conversation live.
 *
 * <p>One subscription at a time, for the current conversation, started from the last seq shown
 * there; its {@link ConversationView} drops anything already shown and fills a gap from history,
 * so every message appears once and in order, across reconnects (the subscription's own failover)
 * and across switching away and back. Other conversations are watched through the unread counts
 * (polled every {@link #UNREAD_POLL}), which the status line shows and a notice announces.
 *
 * <p>Threads: the caller's thread reads input and runs commands; subscription callbacks show
 * messages; {@code network} runs heartbeats, polls and read marks; {@code ticker} redraws the
 * status line each second. What is shown is decided under {@link #lock}.
 */
public final class InteractiveSession {

    private static final Logger log = LoggerFactory.getLogger(InteractiveSession.class);

    /** The room every user is in (the server's well-known name); where /part and /delete of the current room go. */
    public static final String MAIN_HALL = "MainHall";
    /** Already-read messages shown before the "new messages" marker on a first visit. */
    static final int CONTEXT_MESSAGES = 10;
    static final Duration UNREAD_POLL = Duration.ofSeconds(3);
    static final Duration STATUS_TICK = Duration.ofSeconds(1);
    static final Duration RESUBSCRIBE_PAUSE = Duration.ofSeconds(2);
    /** Room and user names for completion are refreshed every this many unread polls. */
    static final int NAMES_EVERY_POLLS = 5;
    private static final int CATCH_UP_PAGE = 500;

    private final ChatClient client;
    private final Screen screen;
    private final String me;
    private final Function<ChatMessage, String> format;
    private final KnownNames names;
    private final ScheduledExecutorService network;
    private final ScheduledExecutorService ticker;
    private final Object lock = new Object();

    // Guarded by lock.
    private final Map<ConversationRef, ConversationView> views = new LinkedHashMap<>();
    private ConversationRef current;
    private Subscription subscription;
    /** Bumped on every switch and resubscription: callbacks of an older one are ignored. */
    private long generation;

    private volatile Connection connection = new Connection.Connecting("");
    private volatile Map<String, Long> unreadElsewhere = Map.of();
    private final Map<ConversationRef, Long> announcedUnread = new ConcurrentHashMap<>();
    private final AtomicReference<ReadMark> toMarkRead = new AtomicReference<>();
    private volatile ReadMark markedRead;
    private int polls;

    /** The read position to store for a conversation. */
    private record ReadMark(ConversationRef conversation, long seq) { }

    /**
     * @param client a client already using {@code me}'s session
     * @param format how a message is shown (see {@code MessageLines})
     */
    public InteractiveSession(ChatClient client, Screen screen, String me, Function<ChatMessage, String> format,
            KnownNames names) {
        this.client = Objects.requireNonNull(client, "client");
        this.screen = Objects.requireNonNull(screen, "screen");
        this.me = Objects.requireNonNull(me, "me");
        this.format = Objects.requireNonNull(format, "format");
        this.names = Objects.requireNonNull(names, "names");
        this.network = daemonScheduler("raftchat-background");
        this.ticker = daemonScheduler("raftchat-status");
    }

    /** Runs until /quit or end of input; {@code start} is the first conversation shown. */
    public void run(ConversationRef start) {
        try {
            startBackground();
            screen.print("Logged in as " + me + ". Type to chat; /help lists commands, Tab completes, /quit or Ctrl-D leaves.");
            switchTo(start);
            readCommands();
        } finally {
            stop();
        }
    }

    private void readCommands() {
        while (true) {
            String line = screen.readLine(prompt());
            if (line == null) {
                return;
            }
            SlashCommand command = SlashCommands.parse(line);
            if (command instanceof SlashCommand.Quit) {
                return;
            }
            if (!(command instanceof SlashCommand.Say) && !(command instanceof SlashCommand.Nothing)) {
                // The input line is erased when entered; keep the command above its output.
                screen.print("> " + line.strip());
            }
            try {
                execute(command);
            } catch (ChatClientException e) {
                // One refused command should not end the session; the user sees why and can type again.
                screen.print("! " + e.getMessage());
            }
        }
    }

    private String prompt() {
        ConversationRef ref = currentConversation();
        return (ref.getKindCase() == ConversationRef.KindCase.DIRECT ? "@" + peer(ref) : "#" + ref.getRoom()) + "> ";
    }

    // ---- commands ----

    void execute(SlashCommand command) {
        if (command instanceof SlashCommand.Say say) {
            say(say.text());
        } else if (command instanceof SlashCommand.Join join) {
            client.joinRoom(join.room());
            names.addRooms(List.of(join.room()));
            switchTo(Conversations.room(join.room()));
        } else if (command instanceof SlashCommand.Part part) {
            part(part);
        } else if (command instanceof SlashCommand.Create create) {
            client.createRoom(create.room(), create.description());
            names.addRooms(List.of(create.room()));
            screen.print("* created #" + create.room());
            switchTo(Conversations.room(create.room()));
        } else if (command instanceof SlashCommand.Delete delete) {
            client.deleteRoom(delete.room());
            screen.print("* deleted #" + delete.room());
            if (currentConversation().equals(Conversations.room(delete.room()))) {
                switchTo(Conversations.room(MAIN_HALL));
            }
        } else if (command instanceof SlashCommand.ListRooms) {
            listRooms();
        } else if (command instanceof SlashCommand.Who who) {
            who(who);
        } else if (command instanceof SlashCommand.Msg msg) {
            ChatMessage sent = client.sendDirectMessage(msg.user(), msg.text());
            names.addUsers(List.of(msg.user()));
            if (!currentConversation().equals(Conversations.canonical(sent.getConversation()))) {
                screen.print("* sent to @" + msg.user() + " as [" + sent.getSeq() + "] (/query " + msg.user() + " to go there)");
            }
        } else if (command instanceof SlashCommand.Query query) {
            names.addUsers(List.of(query.user()));
            switchTo(Conversations.direct(me, query.user()));
        } else {
            executeMore(command);
        }
    }

    private void executeMore(SlashCommand command) {
        if (command instanceof SlashCommand.Nick nick) {
            screen.print("* your nickname is now " + client.setNickname(nick.nickname()).getNickname());
        } else if (command instanceof SlashCommand.Friends friends) {
            friends(friends);
        } else if (command instanceof SlashCommand.Online) {
            List<String> online = client.online();
            names.addUsers(online);
            screen.print("* online: " + String.join(", ", online));
        } else if (command instanceof SlashCommand.History history) {
            history(history.count());
        } else if (command instanceof SlashCommand.Unread) {
            unread();
        } else if (command instanceof SlashCommand.Edit edit) {
            client.editMessage(currentConversation(), edit.seq(), edit.text());
        } else if (command instanceof SlashCommand.Del del) {
            client.deleteMessage(currentConversation(), del.seq());
        } else if (command instanceof SlashCommand.Help) {
            SlashCommands.USAGES.forEach(u -> screen.print(String.format("  %-9s %-20s %s", u.command(), u.arguments(), u.description())));
            screen.print("  Plain text goes to the current conversation; // at the start posts a line beginning with /.");
        } else if (command instanceof SlashCommand.Invalid invalid) {
            screen.print("! " + invalid.message());
        }
    }

    private void say(String text) {
        ConversationRef ref = currentConversation();
        // Not printed here: it comes back through the subscription with its seq, like everyone's.
        if (ref.getKindCase() == ConversationRef.KindCase.DIRECT) {
            client.sendDirectMessage(peer(ref), text);
        } else {
            client.postRoomMessage(ref.getRoom(), text);
        }
    }

    private void part(SlashCommand.Part part) {
        ConversationRef here = currentConversation();
        String room = part.room().orElseGet(() -> here.getKindCase() == ConversationRef.KindCase.ROOM ? here.getRoom() : null);
        if (room == null) {
            screen.print("! this is a private conversation; /part ROOM leaves a room");
            return;
        }
        client.leaveRoom(room);
        screen.print("* left #" + room);
        if (here.equals(Conversations.room(room))) {
            switchTo(Conversations.room(MAIN_HALL));
        }
    }

    private void listRooms() {
        List<RoomSummary> rooms = client.listRooms().getRoomsList();
        names.addRooms(rooms.stream().map(RoomSummary::getName).toList());
        rooms.forEach(r -> screen.print(String.format("  #%-20s %4d members  %-12s %s",
                r.getName(), r.getMemberCount(), r.getOwner(), r.getDescription())));
    }

    private void who(SlashCommand.Who who) {
        ConversationRef here = currentConversation();
        String room = who.room().orElseGet(() -> here.getKindCase() == ConversationRef.KindCase.ROOM ? here.getRoom() : null);
        if (room == null) {
            screen.print("* " + Conversations.describe(here) + ": " + here.getDirect().getUserA() + ", " + here.getDirect().getUserB());
            return;
        }
        List<String> members = client.listMembers(room).getMembersList();
        names.addUsers(members);
        screen.print("* #" + room + ": " + String.join(", ", members));
    }

    private void friends(SlashCommand.Friends friends) {
        switch (friends.action()) {
            case ADD -> {
                client.addFriend(friends.user().orElseThrow());
                screen.print("* " + friends.user().get() + " is now a friend");
            }
            case REMOVE -> {
                client.removeFriend(friends.user().orElseThrow());
                screen.print("* " + friends.user().get() + " is no longer a friend");
            }
            case LIST -> {
                List<Friend> list = client.friends();
                names.addUsers(list.stream().map(Friend::getUsername).toList());
                screen.print(list.isEmpty() ? "* no friends yet (/friends add USER)" : "* friends: " + String.join(", ",
                        list.stream().map(f -> f.getUsername() + (f.getOnline() ? " (online)" : " (offline)")).toList()));
            }
        }
    }

    private void history(int count) {
        ConversationRef ref = currentConversation();
        long before;
        synchronized (lock) {
            before = view(ref).olderThan();
        }
        if (before <= 1) {
            screen.print("* nothing older in " + Conversations.describe(ref));
            return;
        }
        ReadHistoryResponse page = client.readHistory(ref, HistoryAnchor.before(before), count);
        synchronized (lock) {
            List<String> lines = view(ref).olderPage(page.getMessagesList());
            screen.print("------------------------- earlier in " + Conversations.describe(ref) + " -------------------------");
            lines.forEach(screen::print);
            screen.print("------------------------- end of earlier -------------------------");
        }
    }

    private void unread() {
        List<UnreadCount> counts = client.unread().getConversationsList();
        counts.stream().filter(c -> c.getUnread() > 0).forEach(c -> screen.print("* " + Conversations.describe(c.getConversation())
                + ": " + c.getUnread() + " unread after [" + c.getReadSeq() + "]"));
        if (counts.stream().noneMatch(c -> c.getUnread() > 0)) {
            screen.print("* nothing unread");
        }
    }

    // ---- the current conversation ----

    /**
     * Makes {@code target} current: shows what is new there (with the marker at the read position),
     * then follows it live from the last shown seq.
     */
    void switchTo(ConversationRef target) {
        ConversationRef ref = Conversations.canonical(target);
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
            screen.print("========================= " + Conversations.describe(ref) + " =========================");
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
            screen.print("! cannot show " + Conversations.describe(ref) + ": " + e.getMessage());
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
            shown.lines().forEach(screen::print);
            toMarkRead.set(new ReadMark(ref, m.getSeq()));
        } else if (offer instanceof ConversationView.Offer.Gap gap) {
            screen.print("! messages " + (gap.afterSeq() + 1) + ".." + (gap.beforeSeq() - 1) + " of "
                    + Conversations.describe(ref) + " could not be read; [" + m.getSeq() + "] is held back");
        }
    }

    /** Reads the missing messages from history (any node, linearizable) and shows them; the caller holds the lock. */
    private void fillGap(ConversationRef ref, ConversationView.Offer.Gap gap) {
        log.debug("{}: filling seq {}..{} from history", Conversations.describe(ref), gap.afterSeq() + 1, gap.beforeSeq() - 1);
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
                        shown.lines().forEach(screen::print);
                    }
                }
                after = page.get(page.size() - 1).getSeq();
            }
        } catch (ChatClientException e) {
            log.debug("gap fill failed", e);
        }
    }

    private ConversationView view(ConversationRef ref) {
        return views.computeIfAbsent(ref, r -> new ConversationView(r, format));
    }

    private ConversationRef currentConversation() {
        synchronized (lock) {
            return current;
        }
    }

    private long readPosition(ConversationRef ref) {
        try {
            return client.unread().getConversationsList().stream()
                    .filter(c -> Conversations.canonical(c.getConversation()).equals(ref))
                    .mapToLong(UnreadCount::getReadSeq).findFirst().orElse(0);
        } catch (ChatClientException e) {
            return 0;
        }
    }

    private String peer(ConversationRef direct) {
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
                screen.print("* resumed " + Conversations.describe(ref) + " on " + address + " after [" + afterSeq + "]");
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
                    ConversationRef hall = Conversations.room(MAIN_HALL);
                    screen.print("! " + Conversations.describe(ref) + ": " + error.getMessage()
                            + (ref.equals(hall) ? "" : "; back to " + Conversations.describe(hall)));
                    if (!ref.equals(hall)) {
                        schedule(() -> {
                            if (gen == generationNow()) {
                                switchTo(hall);
                            }
                        }, Duration.ZERO);
                    }
                }
                case UNAUTHENTICATED -> screen.print("! the session has ended (" + error.getMessage() + "); /quit and log in again");
                default -> {
                    screen.print("! live updates of " + Conversations.describe(ref) + " stopped: " + error.getMessage()
                            + "; starting again in " + RESUBSCRIBE_PAUSE.toSeconds() + " s");
                    schedule(() -> resubscribe(ref, gen), RESUBSCRIBE_PAUSE);
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
                    schedule(() -> resubscribe(ref, gen), RESUBSCRIBE_PAUSE);
                }
            }
        }
    }

    /** Turns "connecting to X" into "connected to nN (X)" once X answers a call. */
    private void probe(String address, long gen) {
        schedule(() -> {
            if (!(connection instanceof Connection.Connecting c) || !c.address().equals(address) || gen != generationNow()) {
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
        }, Duration.ofMillis(200));
    }

    private long generationNow() {
        synchronized (lock) {
            return generation;
        }
    }

    // ---- background work ----

    private void startBackground() {
        long heartbeatMs = Defaults.HEARTBEAT_INTERVAL.toMillis();
        // While the screen is open the session stays online for others' /online and friend lists.
        network.scheduleWithFixedDelay(quietly(client::heartbeat), 0, heartbeatMs, TimeUnit.MILLISECONDS);
        network.scheduleWithFixedDelay(quietly(this::poll), 0, UNREAD_POLL.toMillis(), TimeUnit.MILLISECONDS);
        network.scheduleWithFixedDelay(quietly(this::markRead), STATUS_TICK.toMillis(), STATUS_TICK.toMillis(), TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(this::redrawStatus, 0, STATUS_TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void redrawStatus() {
        try {
            ConversationRef ref = currentConversation();
            if (ref != null) {
                screen.status(StatusLine.render(me, Conversations.describe(ref), connection, unreadElsewhere, Instant.now()));
            }
        } catch (RuntimeException e) {
            log.debug("status redraw failed", e);
        }
    }

    /** Stores the read position up to the last message shown in the current conversation. */
    private void markRead() {
        ReadMark mark = toMarkRead.get();
        if (mark != null && !mark.equals(markedRead)) {
            client.markRead(mark.conversation(), mark.seq());
            markedRead = mark;
        }
    }

    /** Unread counts elsewhere (status line, and a notice when they grow); now and then, names for completion. */
    private void poll() {
        if (polls++ % NAMES_EVERY_POLLS == 0) {
            names.addRooms(client.listRooms().getRoomsList().stream().map(RoomSummary::getName).toList());
            names.addUsers(client.online());
        }
        ConversationRef here;
        long genAtStart;
        synchronized (lock) {
            here = current;
            genAtStart = generation;
        }
        List<UnreadCount> counts = client.unread().getConversationsList();
        if (leftNoLongerMember(here, genAtStart, counts)) {
            return; // the counts were taken from the old conversation's point of view
        }
        Map<String, Long> elsewhere = new LinkedHashMap<>();
        for (UnreadCount count : counts) {
            ConversationRef ref = Conversations.canonical(count.getConversation());
            if (ref.getKindCase() == ConversationRef.KindCase.DIRECT) {
                names.addUsers(List.of(peer(ref)));
            }
            if (ref.equals(here) || count.getUnread() == 0) {
                announcedUnread.remove(ref);
                continue;
            }
            elsewhere.put(Conversations.describe(ref), count.getUnread());
            if (count.getUnread() > announcedUnread.getOrDefault(ref, 0L)) {
                String how = ref.getKindCase() == ConversationRef.KindCase.DIRECT ? "/query " + peer(ref) : "/join " + ref.getRoom();
                screen.print("* " + count.getUnread() + " unread in " + Conversations.describe(ref) + " (" + how + ")");
            }
            announcedUnread.put(ref, count.getUnread());
        }
        unreadElsewhere = Map.copyOf(elsewhere);
    }

    /**
     * The unread list names every room one is in: when the current room is missing (deleted, or left
     * from another device), go to MainHall. A switch since the poll began makes the list too old to judge.
     */
    private boolean leftNoLongerMember(ConversationRef here, long genAtStart, List<UnreadCount> counts) {
        ConversationRef hall = Conversations.room(MAIN_HALL);
        if (here == null || here.getKindCase() != ConversationRef.KindCase.ROOM || here.equals(hall)
                || counts.stream().anyMatch(c -> c.getConversation().equals(here)) || generationNow() != genAtStart) {
            return false;
        }
        screen.print("! you are no longer in " + Conversations.describe(here) + " (deleted, or left elsewhere); back to "
                + Conversations.describe(hall));
        switchTo(hall);
        return true;
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            network.schedule(quietly(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // The session is ending.
        }
    }

    /** A failed background call must not cancel its periodic task; the next run tries again. */
    private static Runnable quietly(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.debug("background task failed", e);
            }
        };
    }

    private void stop() {
        ticker.shutdownNow();
        network.shutdownNow();
        Subscription last;
        synchronized (lock) {
            generation++;
            last = subscription;
            subscription = null;
        }
        if (last != null) {
            last.close();
        }
        try {
            markRead();
        } catch (RuntimeException e) {
            // Best effort on the way out.
        }
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
