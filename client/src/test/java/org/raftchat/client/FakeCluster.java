package org.raftchat.client;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * In-process fake nodes that share one {@link FakeChat}. Node 0 leads; the others redirect to it.
 * Addresses look like host:port so they pass the CLI's validation; each test gets unique ones.
 */
public final class FakeCluster implements AutoCloseable {

    /** Quick to give up, so failure tests finish in well under a second. */
    public static final ClientOptions FAST = new ClientOptions(Duration.ofSeconds(2), Duration.ofMillis(400),
            Duration.ofMillis(5), Duration.ofMillis(40));

    public final FakeChat chat = new FakeChat();
    public final List<FakeNode> nodes = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final String prefix = "fake-" + UUID.randomUUID().toString().substring(0, 8);

    public FakeCluster(int size) {
        for (int i = 0; i < size; i++) {
            FakeNode node = new FakeNode("n" + (i + 1), prefix + "-n" + (i + 1) + ":" + (9101 + i), chat);
            nodes.add(node);
            try {
                servers.add(InProcessServerBuilder.forName(node.address).directExecutor().addService(io.grpc.ServerInterceptors.intercept(node, FakeNode.callerInterceptor())).build().start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (int i = 1; i < size; i++) {
            nodes.get(i).redirectTo = nodes.get(0).address;
        }
    }

    public FakeNode node(int i) {
        return nodes.get(i);
    }

    public List<String> addresses() {
        return nodes.stream().map(n -> n.address).toList();
    }

    /** An address in this cluster's namespace where no server listens (a node that is down). */
    public String downAddress() {
        return prefix + "-down:9999";
    }

    /** A loopback port nobody listens on (it was free a moment ago). */
    public static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static ManagedChannel channel(String address) {
        return InProcessChannelBuilder.forName(address).directExecutor().build();
    }

    public ChatClient client(List<String> addresses, ClientOptions options) {
        return new ChatClient(addresses, options, FakeCluster::channel);
    }

    public ChatClient client() {
        return client(addresses(), FAST);
    }

    @Override
    public void close() {
        servers.forEach(Server::shutdownNow);
    }
}
