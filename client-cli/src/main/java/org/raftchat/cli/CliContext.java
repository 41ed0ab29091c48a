package org.raftchat.cli;

import java.io.InputStream;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import org.raftchat.client.ChatClient;

/**
 * What the CLI takes from its surroundings, gathered so tests can replace each part.
 *
 * @param clients how commands open a {@link ChatClient}
 * @param env     environment variables ({@code RAFTCHAT_CLUSTER})
 * @param stdin   where {@code chat} reads lines
 * @param zone    the time zone message times are shown in
 */
public record CliContext(ClientFactory clients, Map<String, String> env, InputStream stdin, ZoneId zone) {

    public CliContext {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(zone, "zone");
        env = Map.copyOf(env);
    }

    public static CliContext system() {
        return new CliContext(ClientFactory.defaults(), System.getenv(), System.in, ZoneId.systemDefault());
    }
}
