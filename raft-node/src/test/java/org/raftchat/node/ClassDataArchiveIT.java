package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
        Path archive = Path.of("target", "raft-node.jsa").toAbsolutePath();
        assertThat(archive).as("built by the package phase (mvn package)").isRegularFile();
        Process process = new ProcessBuilder(List.of("java", "-XX:SharedArchiveFile=" + archive,
                "-XX:+PrintSharedArchiveAndExit", "-XX:+PrintSharedDictionary",
                "-jar", Path.of("target", "raft-node.jar").toAbsolutePath().toString()))
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("archive is valid");
        assertThat(out).contains(" org.raftchat.node.NodeMain app_loader", " com.alipay.sofa.jraft.core.NodeImpl app_loader",
                " org.rocksdb.RocksDB app_loader", " org.raftchat.statemachine.ChatStateMachine app_loader",
                " io.grpc.netty.shaded.io.grpc.netty.NettyServer app_loader");
    }
}
