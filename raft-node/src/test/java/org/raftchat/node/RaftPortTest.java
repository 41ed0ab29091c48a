package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raftchat.node.testing.TestCluster;

/** {@link RaftPort#onIoThread}: a processor served through SOFAJRaft's Bolt server on loopback. */
class RaftPortTest {

    private final ExecutorService raftRpc = Executors.newFixedThreadPool(4, r -> new Thread(r, "test-raft-rpc"));
    private final RecordingProcessor processor = new RecordingProcessor(raftRpc);
    private RpcServer bolt;
    private RpcClient client;
    private String address;

    @BeforeEach
    void start() {
        int port = TestCluster.freePort();
        bolt = new RpcServer("127.0.0.1", port, true);
        address = "127.0.0.1:" + port;
        client = new RpcClient();
        client.startup();
    }

    @AfterEach
    void stop() {
        client.shutdown();
        bolt.shutdown();
        raftRpc.shutdownNow();
    }

    @Test
    void aProcessorOnTheIoThreadAnswersFromTheThreadThatReadTheRequest() throws Exception {
        serve(RaftPort.onIoThread(processor));

        Object answer = client.invokeSync(address, "hello", 5_000);

        assertThat(answer).isEqualTo("echo hello");
        assertThat(processor.threads).singleElement().asString().startsWith("Rpc-netty-server-worker");
    }

    @Test
    void withoutItTheSameProcessorRunsOnItsExecutor() throws Exception {
        // The control: the check above can tell the two apart.
        serve(processor);

        assertThat(client.invokeSync(address, "hello", 5_000)).isEqualTo("echo hello");
        assertThat(processor.threads).singleElement().isEqualTo("test-raft-rpc");
    }

    @Test
    void requestsOnOneConnectionAreHandledInTheOrderSent() throws Exception {
        serve(RaftPort.onIoThread(processor));
        int count = 500;

        for (int i = 0; i < count; i++) {
            client.oneway(address, "n" + i);
        }
        assertThat(client.invokeSync(address, "last", 5_000)).isEqualTo("echo last");

        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("n" + i);
        }
        expected.add("last");
        assertThat(processor.requests).containsExactlyElementsOf(expected);
    }

    private void serve(RpcProcessor<String> served) {
        BoltRpcServer server = new BoltRpcServer(bolt);
        server.registerProcessor(served);
        server.init(null);
    }

    /** Answers "echo &lt;request&gt;" and records each request and the thread that handled it. */
    private static final class RecordingProcessor implements RpcProcessor<String> {

        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        private final Executor executor;

        RecordingProcessor(Executor executor) {
            this.executor = executor;
        }

        @Override
        public void handleRequest(RpcContext rpcCtx, String request) {
            requests.add(request);
            if (request.equals("hello") || request.equals("last")) {
                threads.add(Thread.currentThread().getName());
                rpcCtx.sendResponse("echo " + request);
            }
        }

        @Override
        public String interest() {
            return String.class.getName();
        }

        @Override
        public Executor executor() {
            return executor;
        }
    }
}
