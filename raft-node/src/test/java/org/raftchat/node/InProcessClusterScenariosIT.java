package org.raftchat.node;

import java.nio.file.Path;
import org.raftchat.node.testing.ClusterUnderTest;
import org.raftchat.node.testing.TestCluster;

/** The end-to-end scenarios on three {@link RaftChatNode}s in this JVM. */
class InProcessClusterScenariosIT extends ClusterScenarios {

    @Override
    ClusterUnderTest startCluster(Path dir) {
        return TestCluster.start(3, dir);
    }
}
