package org.raftchat.node;

import com.alipay.remoting.Url;
import com.alipay.remoting.config.Configs;
import com.alipay.remoting.rpc.RpcAddressParser;
import com.alipay.remoting.rpc.RpcConfigs;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.SPI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SOFAJRaft's Bolt transport, adjusted for the Raft port. Found by SOFAJRaft's service loader
 * (META-INF/services), where a higher priority wins over Bolt's factory.
 *
 * <ul>
 *   <li><b>The TCP connect to a peer is bounded by {@code rpcConnectTimeoutMs}</b> (Bolt's own default
 *       is a fixed 1 s). {@code NodeImpl.preVote} and {@code NodeImpl.electSelf} call
 *       {@code rpcService.connect(peer)} for each peer with no connection, synchronously and while
 *       holding the node's write lock. A peer that does not answer SYNs (a crashed machine, a
 *       partition) then costs a whole connect timeout per election round, during which the candidate
 *       cannot answer anyone's vote requests either. With two of five peers unreachable that was 2 s
 *       per round against a 500 ms vote timeout: a 30-minute chaos run saw three connected nodes fail
 *       to elect a leader for over 30 s.</li>
 *   <li><b>Calls are timed on the connections' event loops and answers matched on the I/O
 *       thread</b>, where the leader's replicator also takes AppendEntries answers
 *       ({@link EventLoopRpcClient}), and Bolt's idle-connection pings are off (below):
 *       no 10 ms timer wheel on any node.</li>
 * </ul>
 */
@SPI(priority = 1)
public final class RaftTransportFactory extends BoltRaftRpcFactory {

    static {
        // Bolt pings a connection that has been idle for 15 s and arms that ping's timeout on its timer
        // wheel, which then ticks for good: on a follower, whose connections to its peers stay idle, that
        // alone starts it. Raft's own heartbeats and call timeouts already watch every peer.
        if (System.getProperty(Configs.TCP_IDLE_SWITCH) == null) {
            System.setProperty(Configs.TCP_IDLE_SWITCH, "false");
        }
    }

    /**
     * Bolt's client with its calls' timeouts on the event loops and answers matched on the I/O thread,
     * and AppendEntries answers (entries, heartbeats, ReadIndex rounds) handled there too (see {@link EventLoopRpcClient}).
     */
    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        RpcClient client = new BoltRpcClient(new EventLoopRpcClient(request -> request instanceof AppendEntriesRequest));
        if (helper != null) {
            helper.config(client);
        }
        return client;
    }

    @Override
    public ConfigHelper<RpcClient> defaultJRaftClientConfigHelper(RpcOptions opts) {
        ConfigHelper<RpcClient> bolt = super.defaultJRaftClientConfigHelper(opts);
        return client -> {
            if (bolt != null) {
                bolt.config(client);
            }
            ((BoltRpcClient) client).getRpcClient().setAddressParser(new ConnectTimeoutParser(opts.getRpcConnectTimeoutMs()));
        };
    }

    /**
     * Bolt reads a connect timeout from an address's {@code _CONNECTTIMEOUT} argument, else uses 1 s;
     * SOFAJRaft passes bare {@code host:port} addresses. The parsed address gets the bound as a field,
     * not as an argument added to its text: Bolt reports a new connection with that text, and
     * SOFAJRaft's connect listener parses it as a peer to check the peer's replicator at once; with
     * the argument in it, that parse failed and logged "Fail to parse peer" at ERROR on every connect.
     *
     * <p>The parsed addresses are kept here, not in Bolt's JVM-wide cache: another client in the same
     * JVM may bound its connects differently. Bolt parses the address of every call, and peers are few.
     */
    static final class ConnectTimeoutParser extends RpcAddressParser {

        private final int connectTimeoutMs;
        private final Map<String, Url> parsed = new ConcurrentHashMap<>();

        ConnectTimeoutParser(int connectTimeoutMs) {
            if (connectTimeoutMs <= 0) {
                throw new IllegalArgumentException("connect timeout must be positive, was " + connectTimeoutMs + " ms");
            }
            this.connectTimeoutMs = connectTimeoutMs;
        }

        @Override
        public Url parse(String address) {
            return parsed.computeIfAbsent(address, this::bounded);
        }

        private Url bounded(String address) {
            Url shared = super.parse(address);
            Url own = new Url(shared.getOriginUrl(), shared.getIp(), shared.getPort(), shared.getUniqueKey(), shared.getProperties());
            initUrlArgs(own);
            // An address that names its own timeout keeps it.
            if (own.getProperty(RpcConfigs.CONNECT_TIMEOUT_KEY) == null) {
                own.setConnectTimeout(connectTimeoutMs);
            }
            return own;
        }
    }
}
