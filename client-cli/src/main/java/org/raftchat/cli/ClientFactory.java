package org.raftchat.cli;

import io.grpc.ChannelCredentials;
import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ClientOptions;

/** Opens the {@link ChatClient} a command uses; tests swap in one with in-process channels. */
@FunctionalInterface
public interface ClientFactory {

    ChatClient open(List<String> addresses);

    /** A client whose channels use {@code credentials}; factories whose channels need none (in-process) ignore them. */
    default ChatClient open(List<String> addresses, ChannelCredentials credentials) {
        return open(addresses);
    }

    static ClientFactory defaults() {
        return new ClientFactory() {
            @Override
            public ChatClient open(List<String> addresses) {
                return new ChatClient(addresses, ClientOptions.defaults());
            }

            @Override
            public ChatClient open(List<String> addresses, ChannelCredentials credentials) {
                return new ChatClient(addresses, ClientOptions.defaults(), credentials);
            }
        };
    }
}
