package org.raftchat.node.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.raftchat.proto.v1.HeartbeatRequest;

/** Keeps sessions online the way a client does: a heartbeat each period, sent to whichever node leads. */
public final class Heartbeats implements AutoCloseable {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    private Heartbeats(TestCluster cluster, List<TestSession> sessions, Duration period) {
        scheduler.scheduleAtFixedRate(() -> sessions.forEach(session -> {
            try {
                cluster.anonymousStub(cluster.awaitLeader().id()).withCallCredentials(session)
                        .heartbeat(HeartbeatRequest.getDefaultInstance());
            } catch (RuntimeException leaderMoved) {
                // the next beat goes to the new leader
            }
        }), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static Heartbeats keepOnline(TestCluster cluster, List<TestSession> sessions, Duration period) {
        return new Heartbeats(cluster, sessions, period);
    }

    /** The sessions go silent from now on. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
