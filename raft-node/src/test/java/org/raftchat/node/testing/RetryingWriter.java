package org.raftchat.node.testing;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.raftchat.config.NodeSpec;
import org.raftchat.proto.v1.ChatMessage;

/**
 * Posts the way a real client must: the same idempotency key on every attempt, following the
 * leader hint of FAILED_PRECONDITION and moving to another node on UNAVAILABLE, until a budget
 * is spent. (The product's client is the client module; raft-node does not depend on it, so its
 * tests speak the protocol themselves.)
 */
public final class RetryingWriter {

    private final ClusterAccess cluster;
    private String target;

    public RetryingWriter(ClusterAccess cluster) {
        this.cluster = cluster;
        this.target = cluster.config().nodes().get(0).id();
    }

    public ChatMessage post(String room, String text, String key, Duration budget) throws InterruptedException {
        return postAs(cluster.session(), room, text, key, budget);
    }

    /** Posts as the given session's user (who must be a member of the room). */
    public ChatMessage postAs(TestSession session, String room, String text, String key, Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        List<String> ids = cluster.config().nodes().stream().map(NodeSpec::id).toList();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return Api.post(cluster.anonymousStub(target).withCallCredentials(session), room, text, key);
            } catch (RuntimeException e) {
                last = e;
                Status.Code code = Api.code(e);
                String hint = Api.leaderHint(e);
                if (code == Status.Code.FAILED_PRECONDITION && !hint.isEmpty()) {
                    target = cluster.config().nodes().stream().filter(n -> n.apiAddress().equals(hint)).findFirst().orElseThrow().id();
                    continue;
                }
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                        && code != Status.Code.RESOURCE_EXHAUSTED && code != Status.Code.FAILED_PRECONDITION) {
                    throw e;
                }
                target = ids.get((ids.indexOf(target) + 1) % ids.size());
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("write " + key + " not acknowledged within " + budget, last);
    }
}
