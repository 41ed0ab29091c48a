package org.raftchat.node;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Describer;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What SOFAJRaft knows about this node but its {@link Node} interface does not expose: the
 * configuration as this node knows it (public on {@link NodeImpl}), and the first log index and
 * the newest snapshot's index, read from the node's own {@link Node#describe description}.
 */
final class RaftIntrospection {

    /** LogManagerImpl describes its storage as "storage: [first, last]". */
    private static final Pattern STORAGE = Pattern.compile("storage: \\[(\\d+), *(\\d+)]");
    /** BallotBox describes "lastCommittedIndex: N". */
    private static final Pattern COMMITTED_INDEX = Pattern.compile("lastCommittedIndex: *(\\d+)");
    /** SnapshotExecutorImpl describes "lastSnapshotIndex: N". */
    private static final Pattern SNAPSHOT_INDEX = Pattern.compile("lastSnapshotIndex: *(\\d+)");

    /** Log and snapshot positions; -1 where SOFAJRaft's description did not say. */
    record LogPositions(long firstLogIndex, long lastLogIndex, long committedIndex, long snapshotIndex) { }

    private final Node node;
    private final PeerId self;

    RaftIntrospection(Node node, PeerId self) {
        this.node = node;
        this.self = self;
    }

    /**
     * Whether this node is in the Raft configuration as it knows it: the newest configuration entry
     * in its log (committed or not), or the initial one. False on a node that was removed, and on a
     * new node that has not been added yet (it starts with an empty configuration).
     */
    boolean isMember() {
        Optional<Configuration> conf = currentConfiguration();
        return conf.isEmpty() || conf.get().contains(self);
    }

    /** Empty when the node is not SOFAJRaft's implementation (never in production) or is shutting down. */
    Optional<Configuration> currentConfiguration() {
        return node instanceof NodeImpl impl ? Optional.ofNullable(impl.getCurrentConf()) : Optional.empty();
    }

    /**
     * The index of the last entry in the log. SOFAJRaft refuses to say once the node is in the error
     * state, which is when an operator most needs status and metrics: then its log storage's description says.
     */
    long lastLogIndex() {
        try {
            return node.getLastLogIndex();
        } catch (IllegalStateException notActive) {
            return logPositions().lastLogIndex();
        }
    }

    /** The index of the last committed entry; in the error state, as {@link #lastLogIndex()}, the one SOFAJRaft describes. */
    long committedIndex() {
        try {
            return node.getLastCommittedIndex();
        } catch (IllegalStateException notActive) {
            return logPositions().committedIndex();
        }
    }

    LogPositions logPositions() {
        StringBuilder text = new StringBuilder();
        node.describe(new Describer.Printer() {
            @Override
            public Describer.Printer print(Object o) {
                text.append(o);
                return this;
            }

            @Override
            public Describer.Printer println(Object o) {
                text.append(o).append('\n');
                return this;
            }
        });
        return parse(text);
    }

    static LogPositions parse(CharSequence description) {
        Matcher storage = STORAGE.matcher(description);
        Matcher snapshot = SNAPSHOT_INDEX.matcher(description);
        Matcher committed = COMMITTED_INDEX.matcher(description);
        boolean found = storage.find();
        return new LogPositions(found ? Long.parseLong(storage.group(1)) : -1, found ? Long.parseLong(storage.group(2)) : -1,
                committed.find() ? Long.parseLong(committed.group(1)) : -1, snapshot.find() ? Long.parseLong(snapshot.group(1)) : -1);
    }
}
