package org.raftchat.node;

import java.nio.file.Path;
import org.raftchat.node.testing.ClusterUnderTest;
import org.raftchat.node.testing.ProcessCluster;

/** The end-to-end scenarios on three real node processes ({@code java -jar raft-node.jar}) on loopback. */
class ProcessClusterScenariosIT extends ClusterScenarios {

    @Override
    ClusterUnderTest startCluster(Path dir) throws Exception {
        return ProcessCluster.start(ProcessCluster.NODE_JAR, 3, dir);
    }
}
