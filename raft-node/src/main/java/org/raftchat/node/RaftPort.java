package org.raftchat.node;

import com.alipay.remoting.config.BoltServerOption;
import com.alipay.remoting.rpc.RpcConfigs;
import com.alipay.sofa.jraft.rpc.ProtobufMsgFactory;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.rpc.impl.PingRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.GetFileRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.InstallSnapshotRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.ReadIndexRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.RequestVoteRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.TimeoutNowRequestProcessor;
import java.util.concurrent.Executor;
import org.raftchat.config.NodeSpec;

/**
 * The Raft port's server: SOFAJRaft's Bolt transport, bound to the node's configured host only,
 * serving only what peers send each other.
 *
 * <p>SOFAJRaft's own factory ({@code RaftRpcServerFactory}) binds every interface and also serves
 * its CLI service (add/remove/reset peers, change peers, transfer leader, snapshot, learners) on
 * the same port with no credential: anyone who reached the port could change the membership and
 * bypass the admin token. Membership, snapshots and leader transfer go through the admin API
 * (token-checked) and the local {@code Node} API instead, so none of the CLI processors is
 * registered here; a CLI request gets Bolt's "no processor" error and changes nothing.
 */
final class RaftPort {

    private RaftPort() {
    }

    /**
     * An unstarted server for {@code self}'s Raft address; {@code RaftGroupService.start()} starts it.
     * Raft requests run on {@code raftExecutor}, as with SOFAJRaft's own factory (its "RAFT-RPC-executor").
     */
    static RpcServer coreOnly(NodeSpec self, Executor raftExecutor) {
        // Registers the Raft messages' protobuf serializers (SOFAJRaft's factory does this in its static init).
        ProtobufMsgFactory.load();
        com.alipay.remoting.rpc.RpcServer bolt = new com.alipay.remoting.rpc.RpcServer(self.host(), self.raftPort(), true);
        // Stop accepting before closing the connections. Otherwise a peer that reconnects while the node stops can
        // get a connection that outlives it (Bolt's I/O threads are shared by the JVM), wired to this node's
        // stopped executor: every request on it is refused as "server thread pool busy", and a node started
        // again in the same JVM on the same port never hears that peer (SnapshotIT hung on this in CI).
        bolt.option(BoltServerOption.SERVER_SYNC_STOP, true);
        RpcServer server = new BoltRpcServer(bolt);
        AppendEntriesRequestProcessor appendEntries = new AppendEntriesRequestProcessor(raftExecutor);
        server.registerConnectionClosedEventListener(appendEntries);
        server.registerProcessor(onIoThread(appendEntries));
        server.registerProcessor(new GetFileRequestProcessor(raftExecutor));
        server.registerProcessor(new InstallSnapshotRequestProcessor(raftExecutor));
        server.registerProcessor(new RequestVoteRequestProcessor(raftExecutor));
        // Null: Bolt's default executor, as SOFAJRaft's factory does for pings.
        server.registerProcessor(new PingRequestProcessor(null));
        // Leader transfer (admin API, graceful shutdown) sends TimeoutNow to the chosen follower.
        server.registerProcessor(new TimeoutNowRequestProcessor(raftExecutor));
        // A follower's linearizable read asks the leader for its read index over this port.
        server.registerProcessor(new ReadIndexRequestProcessor(raftExecutor));
        return server;
    }

    /**
     * {@code processor} run on the Bolt I/O thread that read the request, instead of on an executor.
     *
     * <p>For AppendEntries, entries and heartbeats alike. SOFAJRaft hands each leader's AppendEntries to a
     * thread of their own ("AppendEntriesThread") so that they are handled in the order they came; one
     * connection's requests are read by one I/O thread, in that order, so handling them there keeps it.
     * What the hand-off cost was a thread woken per request on every follower, and for a heartbeat a
     * second wake-up of the I/O thread to write the answer, which the I/O thread now writes at once.
     * The handling itself does not wait on the disk: the log append is queued to SOFAJRaft's log thread,
     * whose fsync then sends the answer, as before.
     *
     * <p>Bolt hands the requests of one read that decoded several to its default executor, a pool, by
     * default; their handling would then race the next read's. SOFAJRaft's own selector switches that
     * off JVM-wide for its pipeline on its first request; this does it up front, as that selector is
     * not asked any more.
     */
    static <T> RpcProcessor<T> onIoThread(RpcProcessor<T> processor) {
        System.setProperty(RpcConfigs.DISPATCH_MSG_LIST_IN_DEFAULT_EXECUTOR, "false");
        return new RpcProcessor<>() {
            @Override
            public void handleRequest(RpcContext rpcCtx, T request) {
                processor.handleRequest(rpcCtx, request);
            }

            @Override
            public String interest() {
                return processor.interest();
            }

            @Override
            public Executor executor() {
                return processor.executor();
            }

            @Override
            public ExecutorSelector executorSelector() {
                return (requestClass, requestHeader) -> Runnable::run;
            }
        };
    }
}
