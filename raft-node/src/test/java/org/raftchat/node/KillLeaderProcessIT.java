package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.BackgroundWriter;
import org.raftchat.node.testing.ProcessCluster;
import org.raftchat.proto.v1.ChatMessage;

/** The real thing: three node processes on loopback, and SIGKILL for the leader. */
class KillLeaderProcessIT {

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killMinus9OfTheLeaderWhileAClientSendsLosesNoAcknowledgedMessage() throws Exception {
        // Goal: kill -9 the leader process mid-stream; every acknowledged message survives exactly once,
        // and after the killed node restarts, every replica's history equals the leader's.
        cluster = ProcessCluster.start(ProcessCluster.NODE_JAR, 3, dir);
        String leader = cluster.awaitLeader();
        createRoom(cluster.blockingStub(leader), "lobby");
        BackgroundWriter writer = BackgroundWriter.start(cluster, "lobby", 1);
        writer.awaitMoreAcks(50);
        cluster.kill9(leader);
        writer.awaitMoreAcks(50);
        writer.stop();
        String newLeader = cluster.awaitLeader();
        cluster.startNode(leader);
        cluster.awaitConverged();

        assertThat(newLeader).isNotEqualTo(leader);
        List<ChatMessage> history = allMessages(cluster.blockingStub(newLeader), "lobby");
        writer.assertHoldsEveryAckOnce(history);
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(allMessages(cluster.blockingStub(id), "lobby")).as("history on %s", id).isEqualTo(history);
        }
    }
}
