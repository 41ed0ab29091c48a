package org.raftchat.node.testing;

import org.raftchat.config.ClusterConfig;
import org.raftchat.proto.v1.ChatServiceGrpc;

/** What a test client needs of a cluster, whether its nodes run in this JVM or as processes. */
public interface ClusterAccess {

    ClusterConfig config();

    /** A stub without a session, for Register, Login, GetClusterInfo and tests of refusals; fails fast. */
    ChatServiceGrpc.ChatServiceBlockingStub anonymousStub(String id);

    /** The cluster's default test user, "tester", whose session the stubs below carry. */
    TestSession session();

    /** A stub that fails at once with UNAVAILABLE when the node is down. */
    ChatServiceGrpc.ChatServiceBlockingStub failFastStub(String id);

    /** A stub that waits, up to its deadline, for the node to accept connections. */
    ChatServiceGrpc.ChatServiceBlockingStub blockingStub(String id);
}
