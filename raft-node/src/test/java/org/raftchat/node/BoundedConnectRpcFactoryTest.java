package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import org.junit.jupiter.api.Test;

class BoundedConnectRpcFactoryTest {

    @Test
    void sofaJraftLoadsThisFactoryInsteadOfBolts() {
        assertThat(RpcFactoryHelper.rpcFactory()).isInstanceOf(BoundedConnectRpcFactory.class);
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
    void aConnectTimeoutMustBePositive() {
        assertThatThrownBy(() -> new BoundedConnectRpcFactory.ConnectTimeoutParser(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void theConnectTimeoutIsAQuarterOfTheElectionTimeoutFrom100MsTo1s() {
        assertThat(RaftChatNode.connectTimeoutMs(500)).isEqualTo(125);
        assertThat(RaftChatNode.connectTimeoutMs(150)).isEqualTo(100);
        assertThat(RaftChatNode.connectTimeoutMs(10_000)).isEqualTo(1_000);
    }
}
