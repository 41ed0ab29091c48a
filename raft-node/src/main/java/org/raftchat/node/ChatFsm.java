package org.raftchat.node;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.raftchat.node.metrics.NodeMetrics;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.statemachine.ApplyFailedException;
import org.raftchat.statemachine.ApplyResult;
import org.raftchat.statemachine.QueueEffects;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts SOFAJRaft's state-machine callbacks to {@link ChatStateMachine}. Every replica, the
 * leader included, decodes each entry from the log bytes; the leader's closures only carry the
 * result back to the waiting client.
 *
 * <p>All callbacks run on SOFAJRaft's single FSM thread, so apply, snapshot save and snapshot
 * load never overlap.
 */
final class ChatFsm extends StateMachineAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ChatFsm.class);
    /** Snapshot files live in this sub-directory of SOFAJRaft's snapshot directory. */
    static final String SNAPSHOT_SUBDIR = "state";

    private final ChatStateMachine stateMachine;
    private final SubscriptionHub subscriptions;
    private final NodeMetrics metrics;
    private volatile long leaderTerm = -1;
    /** When this node began leading its current term (System.nanoTime); written before {@link #leaderTerm}. */
    private volatile long leadingSinceNanos;
    private volatile long currentTerm = 0;
    private volatile String fatalError;
    /** Why apply failed, if that is what stopped the replica. */
    private volatile FatalError applyFailure;
    private final java.util.concurrent.atomic.AtomicInteger snapshotsInstalled = new java.util.concurrent.atomic.AtomicInteger();
    private final Consumer<FatalError> onFatalError;
    private final LeaderDuties leaderDuties;

    /**
     * @param leaderDuties armed when this replica becomes leader, cancelled when it stops
     * @param onFatalError told once when the replica enters the error state (the process may exit then)
     */
    ChatFsm(ChatStateMachine stateMachine, SubscriptionHub subscriptions, NodeMetrics metrics, LeaderDuties leaderDuties,
            Consumer<FatalError> onFatalError) {
        this.stateMachine = stateMachine;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.leaderDuties = leaderDuties;
        this.onFatalError = onFatalError;
    }

    @Override
    public void onApply(Iterator it) {
        List<LogEntry> entries = new ArrayList<>();
        List<Closure> closures = new ArrayList<>();
        while (it.hasNext()) {
            entries.add(new LogEntry(it.getIndex(), bytes(it.getData())));
            closures.add(it.done());
            it.next();
        }
        if (entries.isEmpty()) {
            return;
        }
        List<ApplyResult> results;
        List<QueueEffects> queueEffects = new ArrayList<>(1);
        long startNanos = System.nanoTime();
        try {
            results = stateMachine.applyBatch(entries, queueEffects::add);
        } catch (RuntimeException e) {
            // Never log-and-skip, whatever the failure (a corrupt entry, a failed disk, a bug): a replica
            // that cannot apply an entry must stop, or it would diverge. The batch wrote nothing, and the
            // rollback keeps SOFAJRaft's applied index before it too.
            FatalError error = stopApplying(entries, e);
            it.setErrorAndRollback(entries.size(), new Status(RaftError.ESTATEMACHINE, "%s", error.reason()));
            return;
        }
        metrics.batchApplied(entries.size(), System.nanoTime() - startNanos);
        answerProposers(closures, results);
        // One walk over the results: the messages to wake subscribers for, rooms that lost readers, and
        // users whose sessions ended.
        Wakeups wakeups = new Wakeups();
        results.forEach(wakeups::collect);
        // Work-queue side effects of any command (an ack, an expiry, a logout...): queue streams to wake,
        // dead letters for the subscribers of dead-letter rooms.
        queueEffects.forEach(effects -> wakeups.stored.addAll(effects.deadLetters()));
        subscriptions.onStored(wakeups.stored);
        queueEffects.forEach(effects -> subscriptions.onQueuesChanged(effects.changedQueues()));
        if (!wakeups.shrunkRooms.isEmpty()) {
            subscriptions.onRoomsShrunk(wakeups.shrunkRooms);
        }
        if (wakeups.anyUsersSessionsEnded || !wakeups.sessionsEndedOf.isEmpty()) {
            subscriptions.onSessionsEnded(wakeups.sessionsEndedOf, wakeups.anyUsersSessionsEnded);
        }
    }

    /** Records why this replica stops (health reads it), counts it and says so in one log line. */
    private FatalError stopApplying(List<LogEntry> entries, RuntimeException e) {
        long first = entries.get(0).index();
        long last = entries.get(entries.size() - 1).index();
        FatalError error = FatalError.fromApplyFailure(e, first, last);
        applyFailure = error;
        fatalError = error.reason();
        metrics.applyFailed(error.cause().label());
        String where = e instanceof ApplyFailedException bug
                ? "log index " + bug.index() + " (" + bug.commandKind() + ")"
                : "log entries " + first + ".." + last;
        LOG.error("Stopping this replica: applying {} failed ({}): {}. It applies nothing more in this process; {}",
                where, error.cause().label(), e instanceof ApplyFailedException ? e.getCause() : e,
                whatNext(error.cause()), e);
        return error;
    }

    private static String whatNext(FatalError.Cause cause) {
        return switch (cause) {
            case APPLY_BUG -> "apply is deterministic, so every replica fails on this entry alike and a restart would only "
                    + "fail again: run a build that fixes the bug";
            case DATA_CORRUPT -> "replace the replica (remove it, wipe its data, add it back)";
            case STORAGE_FAILED -> "fix the disk and start it again";
        };
    }

    private static void answerProposers(List<Closure> closures, List<ApplyResult> results) {
        for (int i = 0; i < closures.size(); i++) {
            Closure done = closures.get(i);
            if (done instanceof ProposalClosure proposal) {
                proposal.complete(results.get(i));
            } else if (done != null) {
                done.run(Status.OK());
            }
        }
    }

    /** What an apply batch's results mean for the streams this replica serves. */
    private static final class Wakeups {
        /** Messages stored (MainHall's deletion notice included: its subscribers must get it). */
        final List<ChatMessage> stored = new ArrayList<>();
        /** Rooms someone left (or was kicked or banned from) or that were deleted. */
        final List<String> shrunkRooms = new ArrayList<>();
        /** Users some of whose sessions may have ended: their streams must end with them, at once. */
        final Set<String> sessionsEndedOf = new HashSet<>();
        /** An expiry ended sessions of any users. */
        boolean anyUsersSessionsEnded;

        void collect(ApplyResult result) {
            if (result instanceof ApplyResult.MessageStored ms) {
                stored.add(ms.message());
            } else if (result instanceof ApplyResult.RoomDeleted deleted) {
                stored.add(deleted.notice());
                shrunkRooms.add(deleted.room());
            } else if (result instanceof ApplyResult.MembershipChanged changed && !changed.member()) {
                shrunkRooms.add(changed.room());
            } else if (result instanceof ApplyResult.StandingChanged kicked && !kicked.member()) {
                // A kick or ban: the user's subscriptions to the room must end as a leave's do.
                shrunkRooms.add(kicked.room());
            } else if (result instanceof ApplyResult.SessionClosed closed) {
                sessionsEndedOf.add(closed.username());
            } else if (result instanceof ApplyResult.SessionOpened opened) {
                // A login replaces the device's earlier session and may end the user's least active one (the cap).
                sessionsEndedOf.add(opened.username());
            } else if (result instanceof ApplyResult.PasswordChanged changed && changed.sessionsEnded() > 0) {
                sessionsEndedOf.add(changed.username());
            } else if (result instanceof ApplyResult.SessionsEnded ended && ended.sessions() > 0) {
                if (ended.username().isEmpty()) {
                    anyUsersSessionsEnded = true;
                } else {
                    sessionsEndedOf.add(ended.username());
                }
            } else if (result instanceof ApplyResult.Batched batched) {
                batched.results().forEach(this::collect);
            }
        }
    }

    /** Saves a RocksDB checkpoint of the applied state; runs on the FSM thread, so it matches the applied index. */
    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        Path target = Path.of(writer.getPath(), SNAPSHOT_SUBDIR);
        try {
            stateMachine.checkpointTo(target);
            try (Stream<Path> files = Files.list(target)) {
                for (Path file : files.toList()) {
                    if (!writer.addFile(SNAPSHOT_SUBDIR + "/" + file.getFileName())) {
                        throw new IOException("snapshot writer refused " + file);
                    }
                }
            }
            LOG.info("Saved a snapshot at applied index {}", stateMachine.appliedIndex());
            done.run(Status.OK());
        } catch (IOException | RuntimeException e) {
            // Not EIO: SOFAJRaft stops the whole node on an EIO snapshot. A failed snapshot loses nothing
            // (the log stays until a snapshot succeeds), so the next interval simply tries again; a full
            // disk then heals by itself once space is freed.
            LOG.error("Failed to save a snapshot into {}; the log is kept and the next snapshot tries again", target, e);
            done.run(new Status(RaftError.EAGAIN, "snapshot save failed: %s", e.getMessage()));
        }
    }

    /**
     * Loads a snapshot, on start-up or when the leader installs one because the entries this node
     * needs were compacted away. If the local state already holds everything the snapshot holds
     * (the usual case on a restart), it is kept: committed entries never change, so the state is
     * the same, and the log replay that follows skips what is already applied.
     */
    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
        long snapshotIndex = reader.load().getLastIncludedIndex();
        long applied = stateMachine.appliedIndex();
        if (applied >= snapshotIndex) {
            LOG.info("Keeping local state at applied index {} (snapshot is at {})", applied, snapshotIndex);
            return true;
        }
        try {
            stateMachine.restoreFrom(Path.of(reader.getPath(), SNAPSHOT_SUBDIR));
        } catch (RuntimeException e) {
            LOG.error("Failed to load the snapshot at index {} from {}", snapshotIndex, reader.getPath(), e);
            return false;
        }
        snapshotsInstalled.incrementAndGet();
        LOG.info("Loaded a snapshot: applied index {} -> {}", applied, stateMachine.appliedIndex());
        subscriptions.onRestored();
        return true;
    }

    @Override
    public void onLeaderStart(long term) {
        currentTerm = term;
        leadingSinceNanos = System.nanoTime();
        leaderTerm = term;
        metrics.leaderChanged();
        LOG.info("Became leader in term {}", term);
        leaderDuties.startLeading();
    }

    @Override
    public void onLeaderStop(Status status) {
        LOG.info("Stopped leading term {}: {}", leaderTerm, status);
        leaderTerm = -1;
        leaderDuties.stopLeading();
    }

    @Override
    public void onStartFollowing(LeaderChangeContext ctx) {
        currentTerm = ctx.getTerm();
        metrics.leaderChanged();
        LOG.info("Following {} in term {}", ctx.getLeaderId(), ctx.getTerm());
    }

    @Override
    public void onError(RaftException e) {
        FatalError stoppedApplying = applyFailure;
        if (stoppedApplying != null) {
            // Already said, with the entry and the stack trace: one line per failure, not one per callback.
            // What apply threw also says more (the command, RocksDB's "Corruption") than SOFAJRaft's status text.
            onFatalError.accept(stoppedApplying);
            return;
        }
        fatalError = e.getStatus().toString();
        LOG.error("Raft node entered the error state and stopped applying: {}", e.getStatus(), e);
        onFatalError.accept(FatalError.fromRaftStatus(fatalError));
    }

    /** The term this node leads, or -1: it accepts writes only once its FSM has started leading. */
    long leaderTerm() {
        return leaderTerm;
    }

    /** How long this node has led its current term; zero if it does not lead. */
    Duration leadingFor() {
        return leaderTerm < 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - leadingSinceNanos);
    }

    long currentTerm() {
        return currentTerm;
    }

    /** Snapshots whose state replaced this replica's (installed from the leader, or newer than local state). */
    int snapshotsInstalled() {
        return snapshotsInstalled.get();
    }

    /** Why this replica stopped applying, or null while it is healthy. */
    String fatalError() {
        return fatalError;
    }

    private static byte[] bytes(ByteBuffer data) {
        if (data == null) {
            return new byte[0];
        }
        ByteBuffer view = data.slice();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return copy;
    }
}
