package org.raftchat.node;

import com.alipay.remoting.config.BoltServerOption;
import com.alipay.sofa.jraft.rpc.ProtobufMsgFactory;
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
        server.registerProcessor(appendEntries);
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
}
