package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.remoting.Url;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import org.junit.jupiter.api.Test;

class RaftTransportFactoryTest {

    @Test
    void sofaJraftLoadsThisFactoryInsteadOfBolts() {
        assertThat(RpcFactoryHelper.rpcFactory()).isInstanceOf(RaftTransportFactory.class);
    }

    @Test
    void aClientConnectsToPeersWithinTheConfiguredConnectTimeoutInsteadOfBoltsOneSecond() {
        RaftRpcFactory factory = RpcFactoryHelper.rpcFactory();
        RpcOptions options = new RpcOptions();
        options.setRpcConnectTimeoutMs(125);
        RpcClient client = factory.createRpcClient(factory.defaultJRaftClientConfigHelper(options));

        var parser = ((BoltRpcClient) client).getRpcClient().getAddressParser();

        assertThat(parser.parse("127.0.0.9:7001").getConnectTimeout()).isEqualTo(125);
        assertThat(parser.parse("127.0.0.9:7001").getPort()).isEqualTo(7001);
        // An address that names its own timeout keeps it.
        assertThat(parser.parse("127.0.0.9:7002?_CONNECTTIMEOUT=700").getConnectTimeout()).isEqualTo(700);
    }

    @Test
    void aConnectionReportsAnAddressThatParsesAsAPeer() {
        // Goal: Bolt hands a new connection's address text to SOFAJRaft's connect listener, which parses it
        // as a peer to check that peer's replicator; the bound must not be part of that text.
        var parser = new RaftTransportFactory.ConnectTimeoutParser(125);
        Url url = parser.parse("127.0.0.9:7003");

        assertThat(url.getOriginUrl()).isEqualTo("127.0.0.9:7003");
        assertThat(new PeerId().parse(url.getOriginUrl())).isTrue();
        assertThat(url.getConnectTimeout()).isEqualTo(125);
        assertThat(url.getUniqueKey()).isEqualTo("127.0.0.9:7003");
        assertThat(parser.parse("127.0.0.9:7003")).isSameAs(url);
    }

    @Test
    void twoClientsInOneJvmKeepTheirOwnBounds() {
        // Goal: Bolt caches parsed addresses JVM-wide; a second client with another bound must not share them.
        var quick = new RaftTransportFactory.ConnectTimeoutParser(125);
        var slow = new RaftTransportFactory.ConnectTimeoutParser(900);

        assertThat(quick.parse("127.0.0.9:7004").getConnectTimeout()).isEqualTo(125);
        assertThat(slow.parse("127.0.0.9:7004").getConnectTimeout()).isEqualTo(900);
        assertThat(quick.parse("127.0.0.9:7004").getConnectTimeout()).isEqualTo(125);
    }

    @Test
    void aConnectTimeoutMustBePositive() {
        assertThatThrownBy(() -> new RaftTransportFactory.ConnectTimeoutParser(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void theConnectTimeoutIsAQuarterOfTheElectionTimeoutFrom100MsTo1s() {
        assertThat(RaftChatNode.connectTimeoutMs(500)).isEqualTo(125);
        assertThat(RaftChatNode.connectTimeoutMs(150)).isEqualTo(100);
        assertThat(RaftChatNode.connectTimeoutMs(10_000)).isEqualTo(1_000);
    }
}
