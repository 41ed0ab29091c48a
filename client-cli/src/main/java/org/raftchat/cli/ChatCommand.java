package org.raftchat.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.raftchat.cli.interactive.InteractiveSession;
import org.raftchat.cli.interactive.JLineScreen;
import org.raftchat.cli.interactive.KnownNames;
import org.raftchat.cli.interactive.LoginFlow;
import org.raftchat.cli.interactive.Screen;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ConversationRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftchat chat}, also what {@code raftchat} alone runs: the interactive client. Uses the saved
 * session if it is still valid, else asks for a username and a hidden password (offering to
 * register a new name) and saves the new session for the one-shot commands.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Interactive chat (also 'raftchat' with no command): line editing, history, Tab completion, "
                + "slash commands (/help), live messages and a status line; reconnects by itself when a node fails.")
final class ChatCommand extends ClientCommand {

    /** Where the input history is kept: beside the session file. */
    static final String HISTORY_FILE = "history";

    @Option(names = "--room", paramLabel = "ROOM",
            description = "Start in this room, joining it if needed (default: MainHall).")
    String room;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "This device's name when logging in; a new login on a device ends its previous session. "
                    + "Default: 'device' in the config file, else " + LoginCommand.DEFAULT_DEVICE + ".")
    String device;

    @Override
    boolean needsSession() {
        return false;
    }

    @Override
    int run(ChatClient client) {
        SessionStore sessions = sessions();
        Path history = sessions.file().toAbsolutePath().getParent().resolve(HISTORY_FILE);
        KnownNames names = new KnownNames();
        try (Screen screen = JLineScreen.open(history, names)) {
            Optional<String> user = resume(client, sessions, screen).or(() -> logIn(client, sessions, screen));
            if (user.isEmpty()) {
                return ExitCodes.AUTH;
            }
            ConversationRef start = ConversationRefs.room(InteractiveSession.MAIN_HALL);
            if (room != null) {
                client.joinRoom(room);
                start = ConversationRefs.room(room);
            }
            new InteractiveSession(client, screen, user.get(), m -> MessageLines.format(m, root.context().zone()), names)
                    .run(start);
        }
        return ExitCodes.OK;
    }

    /** The saved session's user, if the cluster still accepts its token. */
    private static Optional<String> resume(ChatClient client, SessionStore sessions, Screen screen) {
        Optional<SessionStore.Saved> saved = sessions.load();
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        client.useSession(saved.get().token());
        try {
            client.unread();
            return Optional.of(saved.get().username());
        } catch (ChatClientException e) {
            if (e.category() != ChatClientException.Category.UNAUTHENTICATED) {
                throw e;
            }
            screen.print("The saved session of " + saved.get().username() + " has ended; log in again.");
            client.useSession(null);
            return Optional.empty();
        }
    }

    private Optional<String> logIn(ChatClient client, SessionStore sessions, Screen screen) {
        screen.print("Log in to RaftChat (a new name can be registered here).");
        Optional<LoginFlow.Login> login = new LoginFlow(client, screen, deviceOrDefault(device)).run();
        login.ifPresent(l -> sessions.save(new SessionStore.Saved(l.username(), l.token())));
        return login.map(LoginFlow.Login::username);
    }
}
