package org.raftchat.cli.bench;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.cli.ChatClient;
import org.raftchat.cli.ChatClientException;
import org.raftchat.cli.ChatClientException.Category;
import org.raftchat.cli.IdempotencyKey;

/**
 * The bench's simulated users, set up once before the load: each is registered (if new), logged in,
 * and a member of every bench room. Several sessions, because each one may make only so many
 * requests per second on a node; the load is spread over them round-robin.
 */
final class BenchUsers {

    /** Sessions the load is spread over: 16 x the default 200 requests/s per session and node. */
    static final int COUNT = 16;
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
            registerIfNew(client, user);
            tokens.add(client.login(user, PASSWORD, "bench").getToken());
            if (i == 0) {
                RoomSetup.ensureRooms(client, rooms);
            }
            rooms.forEach(client::joinRoom);
        }
        return tokens;
    }

    private static void registerIfNew(ChatClient client, String user) {
        try {
            client.register(user, PASSWORD);
        } catch (ChatClientException e) {
            if (e.category() != Category.ALREADY_EXISTS) {
                throw e;
            }
        }
    }
}
