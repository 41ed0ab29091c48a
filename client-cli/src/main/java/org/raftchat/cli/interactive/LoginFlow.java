package org.raftchat.cli.interactive;

import java.util.Locale;
import java.util.Optional;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.proto.v1.LoginResponse;

/**
 * Asks for a username and a hidden password and logs in. When the cluster refuses the pair, it
 * offers to register the name as a new account (the password typed twice), then logs in: a new
 * user needs nothing but the interactive client.
 */
public final class LoginFlow {

    /** Wrong passwords and bad names get this many tries before the client gives up. */
    static final int MAX_TRIES = 5;

    /** A live session. */
    public record Login(String username, String token) { }

    private final ChatClient client;
    private final Screen screen;
    private final String device;

    public LoginFlow(ChatClient client, Screen screen, String device) {
        this.client = client;
        this.screen = screen;
        this.device = device;
    }

    /** The session, or empty when the user gave up (Ctrl-D) or ran out of tries. */
    public Optional<Login> run() {
        for (int i = 0; i < MAX_TRIES; i++) {
            String username = screen.ask("username: ");
            if (username == null) {
                return Optional.empty();
            }
            username = username.strip();
            if (username.isEmpty()) {
                continue;
            }
            String password = screen.readSecret("password (not shown): ");
            if (password == null) {
                return Optional.empty();
            }
            Optional<Login> login = attempt(username, password);
            if (login.isPresent()) {
                return login;
            }
        }
        screen.print("too many tries");
        return Optional.empty();
    }

    private Optional<Login> attempt(String username, String password) {
        try {
            return Optional.of(login(username, password));
        } catch (ChatClientException e) {
            if (e.category() != Category.UNAUTHENTICATED) {
                screen.print("cannot log in: " + e.getMessage());
                return Optional.empty();
            }
        }
        String answer = screen.ask("No account '" + username + "' with that password. Register '" + username
                + "' as a new account? [y/N] ");
        if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
            screen.print("not logged in; try again");
            return Optional.empty();
        }
        String again = screen.readSecret("the same password again: ");
        if (!password.equals(again)) {
            screen.print("the passwords differ; try again");
            return Optional.empty();
        }
        try {
            client.register(username, password);
            screen.print("registered " + username);
            return Optional.of(login(username, password));
        } catch (ChatClientException e) {
            screen.print(e.category() == Category.ALREADY_EXISTS
                    ? "'" + username + "' is taken: that was a wrong password for it"
                    : "cannot register: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Login login(String username, String password) {
        LoginResponse response = client.login(username, password, device);
        client.useSession(response.getToken());
        return new Login(response.getUsername(), response.getToken());
    }
}
