package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.AsyncContext;
import com.alipay.remoting.BizContext;
import com.alipay.remoting.Connection;
import com.alipay.remoting.InvokeCallback;
import com.alipay.remoting.exception.RemotingException;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.exception.InvokeTimeoutException;
import com.alipay.remoting.rpc.protocol.AsyncUserProcessor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raftchat.node.testing.TestCluster;

/** The Raft port's Bolt client against a real Bolt server on loopback. */
class EventLoopRpcClientTest {

    private static final String SILENT = "do not answer";
    /** Requests that start with this are answered where they are read (the Raft port picks AppendEntries). */
    private static final String WHERE_READ = "where-read ";

    private RpcServer server;
    private EventLoopRpcClient client;
    private String address;
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-callbacks"));

    @BeforeEach
    void start() {
        int port = TestCluster.freePort();
        server = new RpcServer("127.0.0.1", port, true);
        server.registerUserProcessor(new EchoUnlessSilent());
        server.startup();
        client = new EventLoopRpcClient(request -> request instanceof String text && text.startsWith(WHERE_READ));
        client.startup();
        address = "127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        client.shutdown();
        server.shutdown();
        callbacks.shutdownNow();
    }

    @Test
    void anAnswerReachesTheCallbackOnTheCallbacksOwnExecutor() throws Exception {
        Answer answer = new Answer(callbacks);

        client.invokeWithCallback(address, "hello", answer, 5_000);

        assertThat(answer.value.get(10, TimeUnit.SECONDS)).isEqualTo("echo hello");
        assertThat(answer.thread.get(10, TimeUnit.SECONDS)).isEqualTo("test-callbacks");
    }

    @Test
    void aCallWithNoAnswerTimesOutWhenItsTimeoutHasPassedAndNotBefore() throws Exception {
        Answer answer = new Answer(callbacks);
        long startNanos = System.nanoTime();

        client.invokeWithCallback(address, SILENT, answer, 300);

        Throwable failure = answer.failure.get(10, TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertThat(failure).isInstanceOf(InvokeTimeoutException.class);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300);
        assertThat(answer.value).isNotDone();
    }

    @Test
    void callsAnsweredOrTimedOutStartNoTimerWheel() throws Exception {
        // Goal: Bolt's own timer wheel (thread "DefaultTimer10-...") wakes every 10 ms for good once started.
        Answer answered = new Answer(callbacks);
        Answer silent = new Answer(callbacks);

        client.invokeWithCallback(address, "one", answered, 5_000);
        client.invokeWithCallback(address, SILENT, silent, 100);

        answered.value.get(10, TimeUnit.SECONDS);
        assertThat(silent.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(InvokeTimeoutException.class);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().startsWith("DefaultTimer"));
    }

    @Test
    void manyCallsInFlightEachGetTheirOwnAnswer() throws Exception {
        java.util.List<Answer> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Answer answer = new Answer(callbacks);
            answers.add(answer);
            client.invokeWithCallback(address, "n" + i, answer, 5_000);
        }

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).value.get(10, TimeUnit.SECONDS)).isEqualTo("echo n" + i);
        }
    }

    @Test
    void aChosenCallIsAnsweredOnTheIoThreadThatReadsTheAnswer() throws Exception {
        Answer answer = new Answer(callbacks);

        client.invokeWithCallback(address, WHERE_READ + "hello", answer, 5_000);

        assertThat(answer.value.get(10, TimeUnit.SECONDS)).isEqualTo("echo " + WHERE_READ + "hello");
        assertThat(answer.thread.get(10, TimeUnit.SECONDS)).startsWith("bolt-netty-client-worker");
    }

    @Test
    void aChosenCallThatTimesOutFailsOnTheCallersExecutor() throws Exception {
        Answer answer = new Answer(callbacks);

        client.invokeWithCallback(address, WHERE_READ + SILENT, answer, 200);

        assertThat(answer.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(InvokeTimeoutException.class);
        assertThat(answer.thread.get(10, TimeUnit.SECONDS)).isEqualTo("test-callbacks");
    }

    @Test
    void aChosenCallThatCannotBeSentFailsOnTheCallersExecutorNotOnTheSendingThread() throws Exception {
        // Goal: the sending thread may hold the lock the callback takes (SOFAJRaft's replicator lock is not reentrant).
        Connection connection = client.getConnection(address, 5_000);
        connection.getChannel().close().sync();
        Answer answer = new Answer(callbacks);

        client.invokeWithCallback(connection, WHERE_READ + "lost", answer, 5_000);

        // The failed write or the closed connection, whichever Bolt notices first, answers the call.
        assertThat(answer.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(RemotingException.class);
        assertThat(answer.thread.get(10, TimeUnit.SECONDS)).isEqualTo("test-callbacks");
        assertThat(answer.value).isNotDone();
    }

    /** Answers "echo &lt;request&gt;", except to requests that end with {@link #SILENT}. */
    private static final class EchoUnlessSilent extends AsyncUserProcessor<String> {

        @Override
        public void handleRequest(BizContext context, AsyncContext answer, String request) {
            if (!request.endsWith(SILENT)) {
                answer.sendResponse("echo " + request);
            }
        }

        @Override
        public String interest() {
            return String.class.getName();
        }
    }

    private static final class Answer implements InvokeCallback {

        final CompletableFuture<Object> value = new CompletableFuture<>();
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();
        final CompletableFuture<String> thread = new CompletableFuture<>();
        private final Executor executor;

        Answer(Executor executor) {
            this.executor = executor;
        }

        @Override
        public void onResponse(Object result) {
            thread.complete(Thread.currentThread().getName());
            value.complete(result);
        }

        @Override
        public void onException(Throwable e) {
            thread.complete(Thread.currentThread().getName());
            failure.complete(e);
        }

        @Override
        public Executor getExecutor() {
            return executor;
        }
    }
}
