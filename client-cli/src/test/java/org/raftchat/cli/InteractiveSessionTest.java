package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.FakeCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raftchat.cli.interactive.ConversationView;
import org.raftchat.cli.interactive.InteractiveSession;
import org.raftchat.cli.interactive.KnownNames;
import org.raftchat.cli.interactive.Screen;
import org.raftchat.proto.v1.ConversationRef;

/** The chat screen's logic against in-process fake nodes, with a scripted screen instead of a terminal. */
class InteractiveSessionTest {

    private static final ConversationRef GENERAL = ConversationRefs.room("general");
    private static final String EOF = "\u0004";

    FakeCluster cluster;
    ChatClient client;
    final FakeScreen screen = new FakeScreen();
    CompletableFuture<Void> running;

    @BeforeEach
    void start() {
        cluster = new FakeCluster(3);
        cluster.chat.createRoom("general");
        client = cluster.client();
        client.useSession("token-alice");
    }

    @AfterEach
    void stop() throws Exception {
        screen.type(EOF);
        if (running != null) {
            running.get(10, TimeUnit.SECONDS);
        }
        client.close();
        cluster.close();
    }

    private void runSession() {
        InteractiveSession session = new InteractiveSession(client, screen, "alice",
                m -> MessageLines.format(m, ZoneOffset.UTC), new KnownNames());
        running = CompletableFuture.runAsync(() -> session.run(GENERAL));
    }

    @Test
    void typedTextIsPostedAndShownOnceWithItsSeqAfterTheMarker() {
        // Goal: history from the read position (nothing read yet: the marker first), then live; one's own line
        // comes back through the subscription and is shown exactly once.
        cluster.chat.append(GENERAL, "bob", "hi alice");
        runSession();
        await().until(() -> screen.messageLines().size() == 1);

        screen.type("hello bob");

        await().until(() -> screen.messageLines().size() == 2);
        assertThat(screen.messageLines()).containsExactly("[1] 12:00:01 bob: hi alice", "[2] 12:00:02 alice: hello bob");
        assertThat(screen.printed()).containsSubsequence(ConversationView.NEW_MESSAGES_MARKER, "[1] 12:00:01 bob: hi alice");
    }

    @Test
    void aStreamThatEndsIsResumedWithoutRepeatingOrSkipping() {
        // Goal: the node ends the stream and the next one resends old messages; the screen shows each seq once.
        cluster.chat.append(GENERAL, "bob", "one");
        runSession();
        await().until(() -> screen.messageLines().size() == 1);
        cluster.nodes.forEach(n -> n.resendOld = 1);

        cluster.chat.endLiveStreams(Status.UNAVAILABLE.withDescription("node down"));
        cluster.chat.append(GENERAL, "bob", "two");
        cluster.chat.append(GENERAL, "bob", "three");

        await().until(() -> screen.messageLines().size() >= 3);
        cluster.chat.append(GENERAL, "bob", "four");
        await().until(() -> screen.messageLines().size() >= 4);
        assertThat(screen.messageLines()).containsExactly("[1] 12:00:01 bob: one", "[2] 12:00:02 bob: two",
                "[3] 12:00:03 bob: three", "[4] 12:00:04 bob: four");
        assertThat(screen.printed()).anyMatch(l -> l.startsWith("* lost the connection to"))
                .anyMatch(l -> l.startsWith("* resumed #general on ") && l.endsWith(" after [1]"));
    }

    @Test
    void aServerThatSkipsASeqIsCaughtUpFromHistory() {
        // Goal: a resubscription whose backfill lacks seq 2 (a broken node) ends with a protocol error; the screen
        // catches up from history and follows again, so nothing is skipped. (If the stream is back before the
        // messages are written, they arrive live instead: the outcome must be the same.)
        runSession();
        await().until(() -> screen.printed().stream().anyMatch(l -> l.contains("#general =====")));
        cluster.nodes.forEach(n -> n.omit = Set.of(2L));

        cluster.chat.endLiveStreams(Status.UNAVAILABLE.withDescription("node down"));
        cluster.chat.append(GENERAL, "bob", "one");
        cluster.chat.append(GENERAL, "bob", "two");
        cluster.chat.append(GENERAL, "bob", "three");

        await().atMost(Duration.ofSeconds(30)).until(() -> screen.messageLines().size() >= 3);
        assertThat(screen.messageLines()).containsExactly("[1] 12:00:01 bob: one", "[2] 12:00:02 bob: two",
                "[3] 12:00:03 bob: three");
    }

    @Test
    void slashCommandsRunAndBadOnesSayWhy() {
        // Goal: /msg sends a private message without switching; an unknown command is explained, not sent.
        runSession();
        await().until(() -> screen.printed().stream().anyMatch(l -> l.contains("#general =====")));

        screen.type("/msg bob psst");
        screen.type("/dance");

        await().until(() -> screen.printed().stream().anyMatch(l -> l.startsWith("! unknown command /dance")));
        assertThat(screen.printed()).containsSubsequence("> /msg bob psst", "> /dance");
        assertThat(cluster.chat.all(ConversationRefs.direct("alice", "bob"))).extracting(m -> m.getText()).containsExactly("psst");
        assertThat(screen.printed()).contains("* sent to @bob as [1] (/query bob to go there)");
        assertThat(cluster.chat.all(GENERAL)).isEmpty();
    }

    @Test
    void aConversationThatCannotLoadSendsTheUserBack() {
        // Goal: switching to a conversation whose history is refused says why and returns to the previous one,
        // which goes on showing new messages.
        runSession();
        await().until(() -> screen.printed().stream().anyMatch(l -> l.contains("#general =====")));
        cluster.nodes.forEach(n -> n.readFailures.add(Status.NOT_FOUND.withDescription("user 'ghost' does not exist")));

        screen.type("/query ghost");

        await().until(() -> screen.printed().stream().anyMatch(l -> l.startsWith("! cannot show @alice,ghost")));
        cluster.chat.append(GENERAL, "bob", "still here");
        await().until(() -> screen.messageLines().contains("[1] 12:00:01 bob: still here"));
    }

    @Test
    void linesNamingTheUserAreHighlightedAndUnreadCountsThemApart() {
        // Goal: a message naming alice is shown as a mention (highlight and bell); others are plain. /unread says how
        // many unread messages of each conversation name her.
        ConversationRef dm = ConversationRefs.direct("alice", "bob");
        cluster.chat.append(dm, "bob", "are you there, @alice?");
        cluster.chat.append(dm, "bob", "never mind");
        runSession();
        await().until(() -> screen.printed().stream().anyMatch(l -> l.contains("#general =====")));

        cluster.chat.append(GENERAL, "bob", "lunch?");
        cluster.chat.append(GENERAL, "bob", "Alice: lunch?");
        await().until(() -> screen.messageLines().size() == 2);
        assertThat(screen.mentioned()).containsExactly("[2] 12:00:02 bob: Alice: lunch?");

        screen.type("/unread");
        await().until(() -> screen.printed().stream().anyMatch(l -> l.startsWith("* @alice,bob:")));
        assertThat(screen.printed()).contains("* @alice,bob: 2 unread after [0], 1 naming you");
    }

    /** Lines typed by the test; everything printed, in order; lines shown as mentions apart too. */
    static final class FakeScreen implements Screen {
        private final BlockingQueue<String> typed = new LinkedBlockingQueue<>();
        private final List<String> printed = new CopyOnWriteArrayList<>();
        private final List<String> mentioned = new CopyOnWriteArrayList<>();

        List<String> mentioned() {
            return List.copyOf(mentioned);
        }

        @Override
        public void mention(String line) {
            mentioned.add(line);
            printed.add(line);
        }

        void type(String line) {
            typed.add(line);
        }

        List<String> printed() {
            return List.copyOf(printed);
        }

        List<String> messageLines() {
            return printed.stream().filter(l -> l.matches("^\\[\\d+] .*")).toList();
        }

        @Override
        public String readLine(String prompt) {
            try {
                String line = typed.take();
                return line.equals(EOF) ? null : line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public String ask(String prompt) {
            return readLine(prompt);
        }

        @Override
        public String readSecret(String prompt) {
            return readLine(prompt);
        }

        @Override
        public void print(String line) {
            printed.add(line);
        }

        @Override
        public void status(String text) {
        }

        @Override
        public void close() {
        }
    }
}
