package org.raftchat.cli;

import java.util.List;

/** Opens the {@link ChatClient} a command uses; tests swap in one with in-process channels. */
@FunctionalInterface
public interface ClientFactory {

    ChatClient open(List<String> addresses);

    static ClientFactory defaults() {
        return addresses -> new ChatClient(addresses, ClientOptions.defaults());
    }
}
