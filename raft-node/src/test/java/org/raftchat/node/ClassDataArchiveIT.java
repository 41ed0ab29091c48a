package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.raftchat.node.testing.ClassDataArchives;

/**
 * The node's class-data archive (AppCDS) that the package phase builds from
 * src/main/cds/raft-node.classlist: the JVM on the PATH accepts it for this jar and its lib/ (it
 * checks every jar against the archive), and it holds what a node loads at start beyond its entry
 * point: SOFAJRaft's node, RocksDB's binding, the gRPC server, the chat state machine.
 */
class ClassDataArchiveIT {

    @Test
    void theArchiveIsValidForThisJarAndHoldsWhatANodeLoads() throws Exception {
        // Goal: "archive is valid" (another JDK's archive, or one older than a jar, is not), and the
        // dictionary names the classes of each part of a node.
        String out = ClassDataArchives.checkAndList(Path.of("target", "raft-node.jsa"), Path.of("target", "raft-node.jar"));
        assertThat(out).contains("archive is valid");
        assertThat(out).contains(" org.raftchat.node.NodeMain app_loader", " com.alipay.sofa.jraft.core.NodeImpl app_loader",
                " org.rocksdb.RocksDB app_loader", " org.raftchat.statemachine.ChatStateMachine app_loader",
                " io.grpc.netty.shaded.io.grpc.netty.NettyServer app_loader");
    }
}
