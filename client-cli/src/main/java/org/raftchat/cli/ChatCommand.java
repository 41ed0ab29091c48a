package org.raftchat.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Line-mode chat in a room: shows others' messages as they arrive and posts each line you type. "
                + "EOF or /quit leaves.")
final class ChatCommand extends ClientCommand {

    static final String QUIT = "/quit";

    @Option(names = "--room", required = true, paramLabel = "ROOM")
    String room;

    @Option(names = "--recent", paramLabel = "N", defaultValue = "10",
            description = "Show the last N messages first (0..." + Defaults.MAX_HISTORY_PAGE + ", default ${DEFAULT-VALUE}).")
    int recent;

    @Override
    void validate() {
        if (recent < 0 || recent > Defaults.MAX_HISTORY_PAGE) {
            throw usage("--recent: must be in 0.." + Defaults.MAX_HISTORY_PAGE + ", got " + recent);
        }
    }

    @Override
    int run(ChatClient client) throws IOException {
        ConversationRef ref = Conversations.room(room);
        ZoneId zone = root.context().zone();
        // Also checks the room exists before we start reading the keyboard.
        ReadHistoryResponse page = client.readHistory(ref, HistoryAnchor.latest(), Math.max(recent, 1));
        if (recent > 0) {
            page.getMessagesList().forEach(m -> out().println(MessageLines.format(m, zone)));
        }
        err().println("raftchat: in #" + room + " as " + username + "; type a line to post it, " + QUIT + " to leave");
        err().flush();
        out().flush();
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raftchat-heartbeat");
            t.setDaemon(true);
            return t;
        });
        // While chatting the session stays online; others see it in 'raftchat online' and friend lists.
        long periodMs = Defaults.HEARTBEAT_INTERVAL.toMillis();
        heartbeats.scheduleAtFixedRate(() -> heartbeat(client), 0, periodMs, TimeUnit.MILLISECONDS);
        try (Subscription ignored = client.subscribe(ref, page.getLastSeq(), new Printer(zone))) {
            readAndPost(client);
        } finally {
            heartbeats.shutdownNow();
        }
        return ExitCodes.OK;
    }

    private static void heartbeat(ChatClient client) {
        try {
            client.heartbeat();
        } catch (ChatClientException e) {
            // A missed beat only risks showing offline for a while; the next one corrects it.
        }
    }

    private void readAndPost(ChatClient client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(root.context().stdin(), StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.strip().equals(QUIT); line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                client.postRoomMessage(room, line);
            } catch (ChatClientException e) {
                // One failed post should not end the session; the user sees why and can type again.
                err().println("raftchat: not sent: " + e.getMessage());
                err().flush();
            }
        }
    }

    /** Prints others' messages as they arrive; one's own lines are already on the screen. */
    private final class Printer implements SubscriptionListener {
        private final ZoneId zone;

        Printer(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public void onMessage(ChatMessage message) {
            if (!message.getAuthor().equals(username)) {
                out().println(MessageLines.format(message, zone));
                out().flush();
            }
        }

        @Override
        public void onStatus(String status) {
            err().println("raftchat: " + status);
            err().flush();
        }

        @Override
        public void onError(ChatClientException error) {
            err().println("raftchat: live updates stopped: " + error.getMessage());
            err().flush();
        }
    }
}
