package org.raftchat.cli.interactive;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ConversationRefs;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.UnreadCount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat screen: reads lines and runs them ({@link InputRunner}), shows the current
 * conversation live ({@link CurrentConversation}), and in the background keeps the session online
 * (heartbeats), stores the read position as messages are shown, watches the other conversations
 * through their unread counts (polled every {@link #UNREAD_POLL}; the status line shows them and a
 * notice announces growth), refreshes the names Tab completes, and redraws the status line.
 *
 * <p>Threads: the caller's thread reads input and runs commands; subscription callbacks show
 * messages; {@code network} runs heartbeats, polls and read marks; {@code ticker} redraws the
 * status line each second.
 */
public final class InteractiveSession {

    private static final Logger log = LoggerFactory.getLogger(InteractiveSession.class);

    /** The room every user is in (the server's well-known name); where /part and /delete of the current room go. */
    public static final String MAIN_HALL = "MainHall";
    static final Duration UNREAD_POLL = Duration.ofSeconds(3);
    static final Duration STATUS_TICK = Duration.ofSeconds(1);
    /** Room and user names for completion are refreshed every this many unread polls. */
    static final int NAMES_EVERY_POLLS = 5;

    private final ChatClient client;
    private final Screen screen;
    private final String me;
    private final KnownNames names;
    private final ScheduledExecutorService network;
    private final ScheduledExecutorService ticker;
    private final CurrentConversation conversation;
    private final InputRunner commands;

    private volatile Map<String, Long> unreadElsewhere = Map.of();
    private final Map<ConversationRef, Long> announcedUnread = new ConcurrentHashMap<>();
    private volatile CurrentConversation.ReadMark markedRead;
    private int polls;

    /**
     * @param client a client already using {@code me}'s session
     * @param format how a message is shown (see {@code MessageLines})
     */
    public InteractiveSession(ChatClient client, Screen screen, String me, Function<ChatMessage, String> format,
            KnownNames names) {
        this.client = Objects.requireNonNull(client, "client");
        this.screen = Objects.requireNonNull(screen, "screen");
        this.me = Objects.requireNonNull(me, "me");
        this.names = Objects.requireNonNull(names, "names");
        this.network = Tasks.daemonScheduler("raftchat-background");
        this.ticker = Tasks.daemonScheduler("raftchat-status");
        Mentions mentions = new Mentions(me);
        this.conversation = new CurrentConversation(client, screen, me, format, network, mentions);
        this.commands = new InputRunner(client, screen, me, names, conversation, mentions);
    }

    /** Runs until /quit or end of input; {@code start} is the first conversation shown. */
    public void run(ConversationRef start) {
        try {
            startBackground();
            screen.print("Logged in as " + me + ". Type to chat; /help lists commands, Tab completes, /quit or Ctrl-D leaves.");
            conversation.switchTo(start);
            readCommands();
        } finally {
            stop();
        }
    }

    private void readCommands() {
        while (true) {
            String line = screen.readLine(conversation.prompt());
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
                commands.execute(command);
            } catch (ChatClientException e) {
                // One refused command should not end the session; the user sees why and can type again.
                screen.print("! " + e.getMessage());
            }
        }
    }

    // ---- background work ----

    private void startBackground() {
        long heartbeatMs = Defaults.HEARTBEAT_INTERVAL.toMillis();
        // While the screen is open the session stays online for others' /online and friend lists.
        network.scheduleWithFixedDelay(Tasks.quietly(client::heartbeat), 0, heartbeatMs, TimeUnit.MILLISECONDS);
        network.scheduleWithFixedDelay(Tasks.quietly(this::poll), 0, UNREAD_POLL.toMillis(), TimeUnit.MILLISECONDS);
        network.scheduleWithFixedDelay(Tasks.quietly(this::markRead), STATUS_TICK.toMillis(), STATUS_TICK.toMillis(), TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(this::redrawStatus, 0, STATUS_TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void redrawStatus() {
        try {
            ConversationRef ref = conversation.current();
            if (ref != null) {
                screen.status(StatusLine.render(me, ConversationRefs.describe(ref), conversation.connection(), unreadElsewhere, Instant.now()));
            }
        } catch (RuntimeException e) {
            log.debug("status redraw failed", e);
        }
    }

    /** Stores the read position up to the last message shown in the current conversation. */
    private void markRead() {
        CurrentConversation.ReadMark mark = conversation.lastShown().orElse(null);
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
        // Generation first: if it still matches after the call, 'here' was current all along.
        genAtStart = conversation.generation();
        here = conversation.current();
        List<UnreadCount> counts = client.unread().getConversationsList();
        if (leftNoLongerMember(here, genAtStart, counts)) {
            return; // the counts were taken from the old conversation's point of view
        }
        Map<String, Long> elsewhere = new LinkedHashMap<>();
        for (UnreadCount count : counts) {
            ConversationRef ref = ConversationRefs.canonical(count.getConversation());
            if (ref.getKindCase() == ConversationRef.KindCase.DIRECT) {
                names.addUsers(List.of(conversation.peer(ref)));
            }
            if (ref.equals(here) || count.getUnread() == 0) {
                announcedUnread.remove(ref);
                continue;
            }
            elsewhere.put(ConversationRefs.describe(ref), count.getUnread());
            if (count.getUnread() > announcedUnread.getOrDefault(ref, 0L)) {
                String how = ref.getKindCase() == ConversationRef.KindCase.DIRECT ? "/query " + conversation.peer(ref) : "/join " + ref.getRoom();
                screen.print("* " + count.getUnread() + " unread in " + ConversationRefs.describe(ref) + " (" + how + ")");
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
        ConversationRef hall = ConversationRefs.room(MAIN_HALL);
        if (here == null || here.getKindCase() != ConversationRef.KindCase.ROOM || here.equals(hall)
                || counts.stream().anyMatch(c -> c.getConversation().equals(here)) || conversation.generation() != genAtStart) {
            return false;
        }
        screen.print("! you are no longer in " + ConversationRefs.describe(here) + " (deleted, left elsewhere, kicked or banned); back to "
                + ConversationRefs.describe(hall));
        conversation.switchTo(hall);
        return true;
    }

    private void stop() {
        ticker.shutdownNow();
        network.shutdownNow();
        conversation.close();
        try {
            markRead();
        } catch (RuntimeException e) {
            // Best effort on the way out.
        }
    }
}
