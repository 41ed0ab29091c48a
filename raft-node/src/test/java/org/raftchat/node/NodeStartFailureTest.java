package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.NodeSpec;
import org.raftchat.node.testing.TestCluster;
import org.slf4j.MDC;

/**
 * A node that cannot start leaves nothing behind: everything it had started before the failing step
 * (RocksDB and its locks, the Raft and metrics ports, its threads) is stopped again, the failure says
 * which step failed, and the same process can start the node once the cause is gone.
 */
class NodeStartFailureTest {

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseClientPortIsTakenFailsReleasesWhatItStartedAndStartsOnceThePortIsFree() throws Exception {
        ClusterConfig config = TestCluster.create(1, dir, c -> c).config();
        NodeSpec n1 = config.node("n1").orElseThrow();
        InetAddress host = InetAddress.getByName(n1.host());

        try (ServerSocket taken = new ServerSocket(n1.apiPort(), 50, host)) {
            assertThatThrownBy(() -> RaftChatNode.start(config, "n1"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("node n1 could not start the client API on " + n1.apiAddress());
        }

        // Bound before the client port: free again only if the failed start closed them.
        for (int port : List.of(n1.raftPort(), n1.metricsPort())) {
            try (ServerSocket free = new ServerSocket(port, 50, host)) {
                assertThat(free.isBound()).as("port %d", port).isTrue();
            }
        }
        // Opens the same RocksDB directories (state and Raft log): their locks were released.
        try (RaftChatNode node = RaftChatNode.start(config, "n1")) {
            assertThat(node.id()).isEqualTo("n1");
        }
    }

    @Test
    void aNodesOwnThreadsCarryItsIdInTheLoggingMdc() {
        AtomicReference<String> seen = new AtomicReference<>();
        CompletableFuture<Void> ran = new CompletableFuture<>();

        Thread thread = NodeThreads.named("api", "n2").newThread(() -> {
            seen.set(MDC.get(NodeThreads.MDC_KEY));
            ran.complete(null);
        });
        thread.start();
        ran.join();

        assertThat(seen).hasValue("n2");
        assertThat(thread.getName()).isEqualTo("api-n2-1");
        assertThat(thread.isDaemon()).isTrue();
    }
}
