package org.raftchat.bench;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ChatClientException.Category;

/**
 * The bench's simulated users, set up once before the load: each is registered (if new), logged in,
 * and a member of every bench room. Several sessions, because each one may make only so many
 * requests per second on a node; the load is spread over them round-robin.
 */
final class BenchUsers {

    /**
     * Sessions the load is spread over: 32 x the default 500 requests/s per session and node is
     * 16,000/s, well above what one leader commits, so the limit never shapes a measurement.
     */
    static final int COUNT = 32;
    static final String PASSWORD = "raftchat-bench-password";

    private BenchUsers() {
    }

    static String name(int i) {
        return "bench-" + i;
    }

    /** Returns one session token per simulated user; the first user owns the rooms it creates. */
    static List<String> prepare(ChatClient client, List<String> rooms) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            String user = name(i);
            tokens.add(logIn(client, user));
            if (i == 0) {
                RoomSetup.ensureRooms(client, rooms);
            }
            rooms.forEach(client::joinRoom);
        }
        return tokens;
    }

    /**
     * Registers (an existing account is fine), then logs in. Never a login that could fail first: the
     * login throttle counts wrong logins per client address, and a bench of many users on one machine
     * would lock its own address out.
     */
    private static String logIn(ChatClient client, String user) {
        try {
            client.register(user, PASSWORD);
        } catch (ChatClientException e) {
            if (e.category() != Category.ALREADY_EXISTS) {
                throw e;
            }
        }
        return client.login(user, PASSWORD, "bench").getToken();
    }
}
