package org.raftchat.node;

import com.alipay.sofa.jraft.JRaftServiceFactory;
import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SOFAJRaft's log storage with the last entry appended also kept in memory.
 *
 * <p>Why: every AppendEntries, heartbeats included, names the term of the entry before the ones it
 * carries. The leader looks that term up to fill the request in and each follower to check it, and
 * once the entry has been applied SOFAJRaft has dropped it from its own memory, so both read the
 * whole entry back from RocksDB and decode it. That entry is nearly always the last in the log: on
 * an idle cluster the read was half of the leader's work per heartbeat and three quarters of a
 * follower's (docs/performance.md, round 18), and at one write in flight it happens for every write.
 * Only the last entry is kept: it is the one asked for, and it costs one copy per append.
 *
 * <p>Entries leave through {@link #getEntry} to replicators, which send their data, and to the state
 * machine, which reads it; SOFAJRaft's own in-memory entries are shared that way too. The kept entry
 * is a private copy taken before the append, and every read gets a copy of its own whose data is a
 * fresh view of the same bytes, so no reader can move another's position.
 *
 * <p>Thread-safety: SOFAJRaft writes the log from one thread and reads it from many. The kept entry
 * is one value behind a volatile field; it is set after an append succeeded and cleared before any
 * truncation or reset that may remove it, so a read never finds an entry the log no longer holds.
 */
final class LastEntryLogStorage implements LogStorage {

    private final LogStorage log;
    /** The last entry appended, as a private copy; null when unknown (after truncation, reset or a failed append). */
    private volatile LogEntry last;

    LastEntryLogStorage(LogStorage log) {
        this.log = log;
    }

    /** SOFAJRaft's services with each node's log wrapped in a {@link LastEntryLogStorage}. */
    static JRaftServiceFactory serviceFactory() {
        return new DefaultJRaftServiceFactory() {
            @Override
            public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
                return new LastEntryLogStorage(super.createLogStorage(uri, raftOptions));
            }
        };
    }

    @Override
    public boolean init(LogStorageOptions options) {
        last = null;
        return log.init(options);
    }

    @Override
    public void shutdown() {
        last = null;
        log.shutdown();
    }

    @Override
    public long getFirstLogIndex() {
        return log.getFirstLogIndex();
    }

    @Override
    public long getLastLogIndex() {
        return log.getLastLogIndex();
    }

    @Override
    public LogEntry getEntry(long index) {
        LogEntry kept = keptAt(index);
        return kept != null ? copyOf(kept) : log.getEntry(index);
    }

    @Deprecated
    @Override
    public long getTerm(long index) {
        LogEntry kept = keptAt(index);
        return kept != null ? kept.getId().getTerm() : log.getTerm(index);
    }

    /** The kept entry if it is the one at {@code index}, else null. */
    private LogEntry keptAt(long index) {
        LogEntry kept = last;
        return kept != null && kept.getId().getIndex() == index ? kept : null;
    }

    @Override
    public boolean appendEntry(LogEntry entry) {
        LogEntry copy = copyOf(entry);
        boolean appended = log.appendEntry(entry);
        last = appended ? copy : null;
        return appended;
    }

    @Override
    public int appendEntries(List<LogEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            return log.appendEntries(entries);
        }
        LogEntry copy = copyOf(entries.get(entries.size() - 1));
        int appended = log.appendEntries(entries);
        last = appended == entries.size() ? copy : null;
        return appended;
    }

    @Override
    public boolean truncatePrefix(long firstIndexKept) {
        LogEntry kept = last;
        if (kept != null && kept.getId().getIndex() < firstIndexKept) {
            last = null;
        }
        return log.truncatePrefix(firstIndexKept);
    }

    @Override
    public boolean truncateSuffix(long lastIndexKept) {
        LogEntry kept = last;
        if (kept != null && kept.getId().getIndex() > lastIndexKept) {
            last = null;
        }
        return log.truncateSuffix(lastIndexKept);
    }

    @Override
    public boolean reset(long nextLogIndex) {
        last = null;
        return log.reset(nextLogIndex);
    }

    /** A copy whose id, peer lists and data view are its own; the data's bytes are shared, never written. */
    private static LogEntry copyOf(LogEntry entry) {
        LogEntry copy = new LogEntry(entry.getType());
        copy.setId(entry.getId().copy());
        copy.setPeers(copyOf(entry.getPeers()));
        copy.setOldPeers(copyOf(entry.getOldPeers()));
        copy.setLearners(copyOf(entry.getLearners()));
        copy.setOldLearners(copyOf(entry.getOldLearners()));
        ByteBuffer data = entry.getData();
        copy.setData(data == null ? null : data.duplicate());
        if (entry.hasChecksum()) {
            copy.setChecksum(entry.getChecksum());
        }
        return copy;
    }

    private static <T> List<T> copyOf(List<T> list) {
        return list == null ? null : new ArrayList<>(list);
    }
}
