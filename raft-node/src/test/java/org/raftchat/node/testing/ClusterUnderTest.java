package org.raftchat.node.testing;

import java.util.List;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.ChatServiceGrpc;

/**
 * What a scenario does to a whole cluster, whether its nodes run in this JVM ({@link TestCluster}) or as
 * processes ({@link ProcessCluster}); nodes are named by id.
 */
public interface ClusterUnderTest extends ClusterAccess, AutoCloseable {

    /** Waits until a running node leads (and, for processes, every running node names it); its id. */
    String awaitLeaderId();

    /** The running nodes other than the leader. */
    List<String> followerIds();

    /**
     * Takes a node away the hardest way this kind of cluster can: in this JVM a complete stop (its
     * RocksDB closed), as a process SIGKILL (nothing flushed, no shutdown hook).
     */
    void loseNode(String id);

    /** Starts a stopped node again on its data. */
    void startNode(String id);

    /** Waits until every running node has applied as far as the leader. */
    void awaitConverged();

    /** An asynchronous stub (for streams) carrying the default test user's session. */
    ChatServiceGrpc.ChatServiceStub asyncStub(String id);

    /** An admin stub for one node, with the cluster's admin token. */
    AdminServiceGrpc.AdminServiceBlockingStub admin(String id);

    @Override
    void close();
}
