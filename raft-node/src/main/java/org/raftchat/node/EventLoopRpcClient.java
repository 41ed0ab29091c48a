package org.raftchat.node;

import com.alipay.remoting.CommandFactory;
import com.alipay.remoting.Connection;
import com.alipay.remoting.ConnectionManager;
import com.alipay.remoting.InvokeCallback;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.InvokeFuture;
import com.alipay.remoting.ProtocolCode;
import com.alipay.remoting.ProtocolManager;
import com.alipay.remoting.RemotingAddressParser;
import com.alipay.remoting.RejectedExecutionPolicy;
import com.alipay.remoting.RejectionProcessableInvokeCallback;
import com.alipay.remoting.RemotingCommand;
import com.alipay.remoting.LifeCycleException;
import com.alipay.remoting.exception.RemotingException;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcClientRemoting;
import com.alipay.remoting.rpc.RpcCommandFactory;
import com.alipay.remoting.rpc.protocol.RpcCommandCode;
import com.alipay.remoting.rpc.protocol.RpcProtocol;
import com.alipay.remoting.rpc.protocol.RpcProtocolV2;
import com.alipay.remoting.rpc.protocol.RpcResponseProcessor;
import com.google.common.util.concurrent.MoreExecutors;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bolt's RPC client with fewer hand-offs and no timer wheel, for the Raft port.
 *
 * <ul>
 *   <li><b>Timeouts on the connection's event loop.</b> Bolt arms each call's timeout on one JVM-wide
 *       timer wheel that ticks every 10 ms whether or not anything is due: 100 wake-ups a second on
 *       every node, over a quarter of an idle cluster's CPU. The event loop that sends the call sleeps until
 *       its next deadline instead, and is awake anyway when the call is written and when its answer
 *       arrives, so arming and cancelling cost no wake-up.</li>
 *   <li><b>Answers matched on the I/O thread.</b> Bolt hands every answer from the I/O thread to its
 *       default executor only to find the waiting call and pass the answer on to the call's own
 *       executor (SOFAJRaft always names one). Matching it where it is read saves a thread wake-up
 *       per answer on the leader: two per entry, and every heartbeat's.</li>
 *   <li><b>Chosen calls answered on the I/O thread.</b> For the calls {@code answeredWhereRead} picks
 *       (the Raft port picks AppendEntries: every entry, heartbeat and ReadIndex round), the callback
 *       runs on the event loop that read the answer, not on the executor the caller named: another
 *       wake-up fewer per answer, and the next AppendEntries the replicator sends from there is written
 *       at once, with no task handed to the loop. The replicator's work then runs on the I/O thread:
 *       its lock, the ballot box, and reading the next entries (from memory, or from RocksDB for a
 *       follower far behind). A timeout or a failed send still reaches the caller's executor (through
 *       Bolt's default executor, as before), never the sending thread, which may hold the lock the
 *       callback takes: SOFAJRaft's replicator lock is not reentrant.</li>
 * </ul>
 *
 * Everything else is Bolt's: connections, encoding, the executor of the calls not chosen, and what a
 * timeout or a failed send answers.
 */
final class EventLoopRpcClient extends RpcClient {

    private static final Logger log = LoggerFactory.getLogger(EventLoopRpcClient.class);

    private final Predicate<Object> answeredWhereRead;

    /** @param answeredWhereRead the requests whose callbacks run on the I/O thread that reads their answers */
    EventLoopRpcClient(Predicate<Object> answeredWhereRead) {
        this.answeredWhereRead = answeredWhereRead;
    }

    @Override
    public void startup() throws LifeCycleException {
        super.startup();
        this.rpcRemoting = new EventLoopRemoting(new RpcCommandFactory(), getAddressParser(), getConnectionManager(), answeredWhereRead);
    }

    /**
     * Bolt's answer processor, run where the answer is decoded. It only looks the call up, stores the
     * answer and hands the callback to the call's executor (or wakes a synchronous caller). The
     * processors are Bolt's JVM-wide protocol tables, shared by every client and server in the process.
     */
    private static void matchAnswersOnIoThread() {
        log.info("Raft transport: Bolt answers are matched to their calls on the I/O thread"
                + " (Bolt logs the replaced answer processor once per protocol, at WARN)");
        for (byte code : new byte[] {RpcProtocol.PROTOCOL_CODE, RpcProtocolV2.PROTOCOL_CODE}) {
            ProtocolManager.getProtocol(ProtocolCode.fromBytes(code)).getCommandHandler().registerProcessor(
                    RpcCommandCode.RPC_RESPONSE, new RpcResponseProcessor(MoreExecutors.newDirectExecutorService()));
        }
    }

    /** Bolt's client remoting with each asynchronous call's timeout armed on its connection's event loop. */
    static final class EventLoopRemoting extends RpcClientRemoting {

        static {
            // After RpcRemoting's own static set-up, which registers Bolt's protocols.
            matchAnswersOnIoThread();
        }

        private final Predicate<Object> answeredWhereRead;

        EventLoopRemoting(CommandFactory commandFactory, RemotingAddressParser addressParser, ConnectionManager connections,
                Predicate<Object> answeredWhereRead) {
            super(commandFactory, addressParser, connections);
            this.answeredWhereRead = answeredWhereRead;
        }

        /**
         * Bolt's own steps (the command, its invoke context), then {@link #armAndSend} instead of Bolt's
         * base method: every asynchronous call with a connection comes through here.
         */
        @Override
        public void invokeWithCallback(Connection conn, Object request, InvokeContext context, InvokeCallback callback,
                int timeoutMs) throws RemotingException {
            RemotingCommand command = toRemotingCommand(request, conn, context, timeoutMs);
            preProcessInvokeContext(context, command, conn);
            boolean whereRead = callback != null && answeredWhereRead.test(request);
            armAndSend(conn, command, whereRead ? new OnEventLoop(callback, conn.getChannel().eventLoop()) : callback, timeoutMs);
        }

        @Override
        protected void invokeWithCallback(Connection conn, RemotingCommand request, InvokeCallback callback, int timeoutMs) {
            armAndSend(conn, request, callback, timeoutMs);
        }

        private void armAndSend(Connection conn, RemotingCommand request, InvokeCallback callback, int timeoutMs) {
            InvokeFuture future = createInvokeFuture(conn, request, request.getInvokeContext(), callback);
            int remainingMs = remainingMs(request, timeoutMs);
            if (remainingMs <= 0) {
                future.putResponse(getCommandFactory(conn).createTimeoutResponse(conn.getRemoteAddress()));
                future.tryAsyncExecuteInvokeCallbackAbnormally();
                return;
            }
            int requestId = request.getId();
            conn.addInvokeFuture(future);
            try {
                Channel channel = conn.getChannel();
                var timer = channel.eventLoop().schedule(
                        () -> answerIfWaiting(conn, requestId, factory -> factory.<RemotingCommand>createTimeoutResponse(conn.getRemoteAddress())),
                        remainingMs, TimeUnit.MILLISECONDS);
                future.addTimeout(new LoopTimeout(timer));
                channel.writeAndFlush(request).addListener(sent -> {
                    if (!sent.isSuccess()) {
                        sendFailed(conn, requestId, sent.cause());
                    }
                });
            } catch (RuntimeException e) {
                sendFailed(conn, requestId, e);
            }
        }

        private void sendFailed(Connection conn, int requestId, Throwable cause) {
            log.warn("Raft RPC {} to {} could not be sent: {}", requestId, conn.getRemoteAddress(), cause.toString());
            answerIfWaiting(conn, requestId, factory -> factory.<RemotingCommand>createSendFailedResponse(conn.getRemoteAddress(), cause));
        }

        /**
         * Answers the call with {@code answer} unless its real answer, a timeout or a failure already did.
         * Bolt runs such an answer's callback from its default executor, never on this thread.
         */
        private void answerIfWaiting(Connection conn, int requestId, Function<CommandFactory, RemotingCommand> answer) {
            InvokeFuture waiting = conn.removeInvokeFuture(requestId);
            if (waiting != null) {
                waiting.cancelTimeout();
                waiting.putResponse(answer.apply(getCommandFactory(conn)));
                waiting.tryAsyncExecuteInvokeCallbackAbnormally();
            }
        }

        /** The timeout less the time this call spent creating its connection, as Bolt counts it. */
        private static int remainingMs(RemotingCommand request, int timeoutMs) {
            InvokeContext context = request.getInvokeContext();
            Long connectMs = context == null ? null : context.get(InvokeContext.CLIENT_CONN_CREATETIME);
            return connectMs == null ? timeoutMs : (int) (timeoutMs - connectMs);
        }
    }

    /**
     * A callback that Bolt runs in place when it completes it on the connection's event loop (a real
     * answer: Bolt runs a callback with no executor where it is), and on the caller's executor from any
     * other thread (timeouts and failures come from Bolt's default executor). What Bolt does when that
     * executor refuses is the caller's choice, as before.
     */
    private record OnEventLoop(InvokeCallback caller, EventLoop loop) implements RejectionProcessableInvokeCallback {

        @Override
        public void onResponse(Object result) {
            caller.onResponse(result);
        }

        @Override
        public void onException(Throwable e) {
            caller.onException(e);
        }

        @Override
        public Executor getExecutor() {
            return loop.inEventLoop() ? null : caller.getExecutor();
        }

        @Override
        public RejectedExecutionPolicy rejectedExecutionPolicy() {
            return caller instanceof RejectionProcessableInvokeCallback chosen ? chosen.rejectedExecutionPolicy() : RejectedExecutionPolicy.DISCARD;
        }
    }

    /** A timeout armed on an event loop, in the shape Bolt's call future keeps (it only ever cancels it). */
    private record LoopTimeout(io.netty.util.concurrent.ScheduledFuture<?> scheduled) implements Timeout {

        @Override
        public boolean cancel() {
            return scheduled.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return scheduled.isCancelled();
        }

        @Override
        public boolean isExpired() {
            return scheduled.isDone() && !scheduled.isCancelled();
        }

        @Override
        public Timer timer() {
            throw new UnsupportedOperationException("armed on an event loop, not on a timer");
        }

        @Override
        public TimerTask task() {
            throw new UnsupportedOperationException("armed on an event loop, not on a timer");
        }
    }
}
