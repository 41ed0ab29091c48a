package org.raftchat.statemachine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.QueueDelivery;
import org.raftchat.proto.v1.QueueStatus;
import org.raftchat.proto.v1.StoredSession;
import org.raftchat.proto.v1.UnreadCount;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deterministic chat state machine over one RocksDB database: apply committed log entries,
 * answer queries, take and restore checkpoints. Knows nothing about Raft or gRPC.
 *
 * <p><b>Threads.</b> {@link #applyBatch}, {@link #checkpointTo}, {@link #restoreFrom} and
 * {@link #close} are serialized with each other. Queries ({@link #room}, {@link #history},
 * {@link #stateDigest}) may run on any thread concurrently with an apply; each
 * sees the state before or after a whole batch, never part of one. A restore or close waits for
 * running queries and makes new ones wait until it is done. {@link #appliedIndex()} and
 * {@link #lastTimestampMs()} never block.
 *
 * <p><b>Durability.</b> Batches are written without RocksDB's WAL: the Raft log is the write-ahead
 * log. Each batch also records the applied index, so the database is always a consistent prefix
 * of the log, and after a crash Raft replays entries that this machine then skips or applies.
 * {@link #close()} flushes, so a clean restart needs no replay.
 */
public final class ChatStateMachine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatStateMachine.class);
    private static final String RESTORE_STAGING_SUFFIX = ".restoring";

    static {
        RocksDB.loadLibrary();
    }

    private final Path dbDir;
    /** ~1% false positives per table lookup. */
    private static final int BLOOM_BITS_PER_KEY = 10;
    /** Share of the memtable spent on its Bloom filter. */
    private static final double MEMTABLE_BLOOM_SIZE_RATIO = 0.05;
    /** RocksDB's default number of levels; {@link #dbOptions} names a compression for each. */
    private static final int LEVELS = 7;
    /**
     * The one cache for the tables' data, index and filter blocks: what the state holds of its
     * tables in memory, however long the history grows (see {@link #dbOptions}). Not strict: the
     * pinned blocks (level 0's, the partitions' top level) may take it a little over.
     */
    static final long BLOCK_CACHE_BYTES = 16L * 1024 * 1024;
    /** Share of {@link #BLOCK_CACHE_BYTES} kept first for index and filter blocks. */
    private static final double INDEX_AND_FILTER_CACHE_SHARE = 0.5;
    /** Size of one index or filter partition. */
    private static final long METADATA_BLOCK_BYTES = 4L * 1024;

    private final WriteOptions writeOptions;
    /** Serializes the writers: apply, checkpoint, restore, close. Always taken before {@link #stateLock}. */
    private final ReentrantLock writerLock = new ReentrantLock();
    /** Queries and apply take the read side; restore and close take the write side to swap {@link #db}. */
    private final ReadWriteLock stateLock = new ReentrantReadWriteLock();
    private Options options;
    /** {@link #options}' block cache; closed with them. */
    private LRUCache blockCache;
    private RocksDB db;
    private volatile long appliedIndex;
    private volatile long lastTimestampMs;
    /**
     * Key ranges whose text applied batches deleted since the last checkpoint. RocksDB keeps a key's
     * old versions in its tables until a compaction passes over both, so a checkpoint (a snapshot's
     * files) would still hold the text; {@link #checkpointTo} compacts these ranges first. Guarded by
     * {@link #writerLock}; kept in memory only, so after a restart a range not yet compacted waits for
     * RocksDB's own compactions.
     */
    private final List<KeyRange> erasedSinceCheckpoint = new java.util.ArrayList<>();
    /** Authenticating a call reads the session from here, not from RocksDB (see {@link SessionCache}). */
    private final SessionCache sessionCache = new SessionCache();
    /** Apply's reads of its hot keys (see {@link ApplyCache}); used under {@link #writerLock}. */
    private final ApplyCache applyCache = new ApplyCache();

    private ChatStateMachine(Path dbDir) {
        this.dbDir = dbDir;
        // The Raft log is the WAL; a crash loses at most entries that Raft replays.
        this.writeOptions = new WriteOptions().setDisableWAL(true);
    }

    /** Opens the database in {@code dbDir}, creating the directory and an empty state if missing. */
    public static ChatStateMachine open(Path dbDir) {
        Objects.requireNonNull(dbDir, "dbDir");
        ChatStateMachine machine = new ChatStateMachine(dbDir.toAbsolutePath().normalize());
        try {
            Files.createDirectories(machine.dbDir);
            machine.discardInterruptedRestore();
            machine.openDb();
        } catch (IOException e) {
            machine.writeOptions.close();
            throw new StateMachineException("cannot create state directory " + dbDir, e);
        } catch (RuntimeException e) {
            machine.writeOptions.close();
            throw e;
        }
        log.info("Opened chat state in {} at applied index {}", machine.dbDir, machine.appliedIndex);
        return machine;
    }

    /**
     * Reads every table of the state once and checks its block checksums. RocksDB already refuses a
     * corrupt block on every read, so nothing corrupt is ever served; this finds the corruption before
     * a read happens to. Safe alongside applies and reads (a shared lock: only a snapshot install waits).
     *
     * @throws StateMachineException whose cause is RocksDB's "Corruption: ..." when a table is damaged
     */
    public void verifyChecksums() {
        asReader(() -> {
            try {
                db.verifyChecksum();
                return null;
            } catch (RocksDBException e) {
                throw new StateMachineException("the state in " + dbDir + " failed its checksum check: " + e.getMessage(), e);
            }
        });
    }

    /** What the database holds in native memory now (RocksDB's estimates; see {@link StoreMemory}). */
    public StoreMemory memory() {
        return asReader(() -> {
            try {
                return new StoreMemory(db.getLongProperty("rocksdb.size-all-mem-tables"),
                        db.getLongProperty("rocksdb.estimate-table-readers-mem"),
                        db.getLongProperty("rocksdb.block-cache-usage"));
            } catch (RocksDBException e) {
                throw new StateMachineException("cannot read the memory figures of the state in " + dbDir, e);
            }
        });
    }

    /** The index of the last entry applied, refused entries included; 0 for a fresh database. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The highest timestamp stored so far, 0 if none. Refused and duplicate commands do not move it. */
    public long lastTimestampMs() {
        return lastTimestampMs;
    }

    /**
     * Applies entries in order as one atomic RocksDB write that also records the new applied index
     * and last timestamp. Returns one result per entry, in the same order.
     *
     * <ul>
     *   <li>An entry with an index at or below {@link #appliedIndex()} gives {@link ApplyResult.AlreadyApplied}.
     *   <li>A refused command ({@link ApplyResult.Rejected}) changes nothing but still advances the applied index.
     *   <li>Each entry sees the effects of earlier entries of the same batch (rooms, seqs, idempotency keys).
     *   <li>If an entry cannot be decoded, has no body, or its index is not above the previous entry's,
     *       throws {@link CorruptLogException} and writes nothing of the batch.
     *   <li>If a command fails unexpectedly (a bug), throws {@link ApplyFailedException} naming its
     *       entry and kind, and writes nothing of the batch; a storage failure is a {@link StateMachineException}.
     * </ul>
     *
     * <p>Meant for one applying thread; concurrent calls are serialized.
     */
    public List<ApplyResult> applyBatch(List<LogEntry> entries) {
        return applyBatch(entries, effects -> { });
    }

    /**
     * {@link #applyBatch(List)}, telling {@code queueEffects} (on the calling thread, after the batch
     * is written, when there are any) what the batch did to work queues beyond its results.
     */
    public List<ApplyResult> applyBatch(List<LogEntry> entries, java.util.function.Consumer<QueueEffects> queueEffects) {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(queueEffects, "queueEffects");
        return asWriter(() -> {
            if (entries.isEmpty()) {
                return List.of();
            }
            try (ReadOptions readOptions = new ReadOptions()) {
                BatchStore store = new BatchStore(db, readOptions, applyCache);
                BatchApplier applier = new BatchApplier(store, appliedIndex, lastTimestampMs);
                List<ApplyResult> results = applier.applyAll(entries);
                commit(store, applier);
                if (store.wroteSessions()) {
                    sessionCache.invalidate();
                }
                erasedSinceCheckpoint.addAll(applier.erasedRanges());
                log.debug("Applied {} entries up to index {}", entries.size(), appliedIndex);
                QueueEffects effects = new QueueEffects(applier.queueEffects().changedQueues(), applier.queueEffects().deadLetters());
                if (!effects.isEmpty()) {
                    queueEffects.accept(effects);
                }
                return Collections.unmodifiableList(results);
            }
        });
    }

    /** The room with that name, if it exists. */
    public Optional<RoomInfo> room(String name) {
        Objects.requireNonNull(name, "name");
        return query(q -> q.room(name));
    }

    /** Every room, sorted by name (UTF-8 byte order). */
    public List<RoomInfo> rooms() {
        return query(StateQueries::rooms);
    }

    /** The members of a room, sorted; empty for an unknown room. */
    public List<String> members(String room) {
        Objects.requireNonNull(room, "room");
        return query(q -> q.members(room));
    }

    public boolean isMember(String room, String user) {
        return query(q -> q.isMember(room, user));
    }

    /** The account with that username, if registered. */
    public Optional<UserInfo> user(String username) {
        Objects.requireNonNull(username, "username");
        return query(q -> q.user(username));
    }

    /** The failed logins counted for {@code username} from {@code address}, and for {@code address} alone (zeros: none). */
    public LoginFailures loginFailures(String username, String address) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(address, "address");
        return query(q -> q.loginFailures(username, address));
    }

    /** How many login failure records the state holds (pairs and addresses); bounded by the policy's cap. */
    public int loginFailureRecords() {
        return query(StateQueries::loginFailureRecords);
    }

    /**
     * The live session whose token has this SHA-256 digest, if any: not ended, and not past its idle or
     * absolute lifetime at the latest leader time applied here (see {@link #lastTimestampMs()}).
     */
    public Optional<SessionInfo> session(byte[] tokenSha256) {
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        long version = sessionCache.version(); // before the lookup: a batch that lands later moves it on
        StoredSession stored = sessionCache.get(tokenSha256, version);
        if (stored == null) {
            Optional<StoredSession> found = query(q -> q.storedSession(tokenSha256));
            if (found.isEmpty()) {
                return Optional.empty();
            }
            stored = found.get();
            sessionCache.put(tokenSha256, stored, version);
        }
        return SessionLifetimes.expiredAt(stored, lastTimestampMs)
                ? Optional.empty()
                : Optional.of(new SessionInfo(stored.getUsername(), stored.getDeviceId()));
    }

    /** Whether the live session with this token digest is online here (see {@link #session}). */
    public boolean sessionOnline(byte[] tokenSha256) {
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        return query(q -> q.sessionOnline(tokenSha256));
    }

    /**
     * Whether the session of {@code user} may read the conversation: the session lives and, for a room,
     * the room exists and has the user as a member; for a private conversation, the user is one of its
     * two. The session comes from the session cache (exact, as for authenticating a call), the rest from
     * one snapshot taken after it (a state no older than the one the session was judged by). A few
     * point reads, cheap enough for every page a subscription sends.
     */
    public ReadAccess readAccess(ConversationRef conversation, byte[] tokenSha256, String user) {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(user, "user");
        if (session(tokenSha256).isEmpty()) {
            return ReadAccess.SESSION_ENDED;
        }
        return query(q -> q.readAccess(conversation, user));
    }

    /**
     * {@link #readAccess} and, if it is {@link ReadAccess#ALLOWED}, the same slice as {@link #history}
     * with each message as it is stored (its {@code ChatMessage} encoding, for an answer that passes
     * messages on unchanged): the membership check and the page from one snapshot, so a page is never
     * read from a state in which the reader was no longer a member. One snapshot instead of two, and
     * the session from the cache instead of a RocksDB read from a table file per call: up to a tenth
     * less CPU on the threads that serve reads (docs/performance.md, round 11).
     */
    public ReadableHistory readableHistory(ConversationRef conversation, byte[] tokenSha256, String user, HistoryQuery query) {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(query, "query");
        if (session(tokenSha256).isEmpty()) {
            return ReadableHistory.refused(ReadAccess.SESSION_ENDED);
        }
        ConversationRef canonical = CanonicalConversations.canonical(conversation);
        return query(q -> {
            ReadAccess access = q.readAccess(canonical, user);
            return access == ReadAccess.ALLOWED ? ReadableHistory.allowed(q.storedHistory(canonical, query)) : ReadableHistory.refused(access);
        });
    }

    /** Read position and last seq of every conversation of the user: rooms it is in, then private ones. */
    public List<UnreadCount> unread(String username) {
        Objects.requireNonNull(username, "username");
        return query(q -> q.unread(username));
    }

    /**
     * Token digests of the online sessions that a presence tick proposed now, at leader clock
     * {@code clockMs}, would find silent for {@code timeoutMs}: not seen in the log (a login or a
     * heartbeat) for that long at the time apply would give the tick. The same rule as apply's; the
     * leader's candidates for going offline (it also asks its own monotonic clock).
     */
    public List<byte[]> onlineSilentAt(long clockMs, long timeoutMs) {
        return query(q -> q.onlineSilentAt(clockMs, timeoutMs));
    }

    /** The user's live sessions, oldest first, the one with {@code currentTokenSha256} marked current. */
    public List<SessionView> sessions(String username, byte[] currentTokenSha256) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(currentTokenSha256, "currentTokenSha256");
        return query(q -> q.sessions(username, currentTokenSha256));
    }

    /**
     * Whether an expiry command stamped {@code timeMs} would end some session (the same test apply
     * makes), so the leader proposes one only when it changes something.
     */
    public boolean anySessionExpiredAt(long timeMs) {
        return query(q -> q.anySessionExpiredAt(timeMs));
    }

    /** Users with at least one online session, sorted. */
    public List<String> online() {
        return query(StateQueries::online);
    }

    /** The away message of each of {@code usernames} that is away (unknown users are left out), in name order. */
    public java.util.SortedMap<String, String> awayMessages(java.util.Collection<String> usernames) {
        Objects.requireNonNull(usernames, "usernames");
        return query(q -> q.awayMessages(usernames));
    }

    /** The user's friends in name order, each mapped to whether it is online. */
    public java.util.Map<String, Boolean> friends(String username) {
        Objects.requireNonNull(username, "username");
        return query(q -> q.friends(username));
    }

    /** The unacknowledged messages of queue room {@code room} assigned to the session, oldest first, at most {@code limit}. */
    public List<QueueDelivery> queueDeliveries(String room, byte[] tokenSha256, int limit) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        return query(q -> q.queueDeliveries(room, tokenSha256, limit));
    }

    /**
     * The session's deliveries of queue room {@code room} with a delivery id above {@code afterDeliveryId},
     * in delivery id order, at most {@code limit}: what a queue stream sends next.
     */
    public List<QueueDelivery> queueDeliveriesAfter(String room, byte[] tokenSha256, long afterDeliveryId, int limit) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        return query(q -> q.queueDeliveriesAfter(room, tokenSha256, afterDeliveryId, limit));
    }

    /**
     * Whether an expiry command stamped {@code timeMs} would take back some queue delivery (the same
     * test apply makes), so the leader proposes one only when it changes something.
     */
    public boolean anyQueueDeliveryDueAt(long timeMs) {
        return query(q -> q.anyQueueDeliveryDueAt(timeMs));
    }

    /** Whether the session consumes queue room {@code room}. */
    public boolean consuming(String room, byte[] tokenSha256) {
        return query(q -> q.consuming(room, tokenSha256));
    }

    /** The consumers and waiting count of a queue room; empty when the room is not a queue (or does not exist). */
    public Optional<QueueStatus> queueStatus(String room) {
        Objects.requireNonNull(room, "room");
        return query(q -> q.queueStatus(room));
    }

    /** Runs a query on one snapshot, so it sees whole batches only. */
    private <T> T query(Function<StateQueries, T> query) {
        return asReader(() -> {
            // Read before the snapshot is taken, so it is never later than the snapshot's own stored
            // time: the leader time sessions are judged by is one this replica has applied.
            long appliedTimeMs = lastTimestampMs;
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot)) {
                return query.apply(new StateQueries(db, readOptions, appliedTimeMs));
            } finally {
                db.releaseSnapshot(snapshot);
            }
        });
    }

    /**
     * A slice of one conversation (a direct pair in either order), with the conversation's last seq,
     * both read from one snapshot. An unknown or empty conversation gives an empty page with lastSeq 0.
     */
    public HistoryPage history(ConversationRef conversation, HistoryQuery query) {
        Objects.requireNonNull(query, "query");
        return withHistoryReader(conversation, reader -> new HistoryPage(reader.read(query), reader.lastSeq()));
    }

    private <T> T withHistoryReader(ConversationRef conversation, Function<HistoryReader, T> read) {
        byte[] conversationKey = Keys.conversation(CanonicalConversations.canonical(conversation));
        return asReader(() -> {
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot)) {
                return read.apply(new HistoryReader(db, readOptions, conversationKey));
            } finally {
                db.releaseSnapshot(snapshot);
            }
        });
    }

    /**
     * Posts of one conversation (a direct pair in either order) with seq below {@code beforeSeq} (0: all)
     * whose text contains {@code phrase} ignoring case, newest first, from one snapshot: at most
     * {@code limit} matches, reading at most {@code maxScanned} messages (see {@link SearchPage}).
     * Deleted posts and edit/delete events never match.
     */
    public SearchPage search(ConversationRef conversation, String phrase, long beforeSeq, int limit, int maxScanned) {
        Objects.requireNonNull(phrase, "phrase");
        if (phrase.isEmpty() || beforeSeq < 0 || limit < 1 || maxScanned < 1) {
            throw new IllegalArgumentException("search needs a phrase, beforeSeq >= 0, limit >= 1 and maxScanned >= 1");
        }
        byte[] conversationKey = Keys.conversation(CanonicalConversations.canonical(conversation));
        String needle = phrase.toLowerCase(java.util.Locale.ROOT);
        return asReader(() -> {
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot)) {
                return new HistoryReader(db, readOptions, conversationKey).search(needle, beforeSeq, limit, maxScanned);
            } finally {
                db.releaseSnapshot(snapshot);
            }
        });
    }

    /**
     * The highest seq of the conversation (a direct pair in either order), 0 if it has no message. For
     * this module's tests: callers outside read it with a page ({@link HistoryPage#lastSeq}).
     */
    long lastSeq(ConversationRef conversation) {
        byte[] conversationKey = Keys.conversation(CanonicalConversations.canonical(conversation));
        return query(q -> q.lastSeq(conversationKey));
    }

    /**
     * SHA-256 over every key and value in key order, each length-prefixed, read from one snapshot.
     * Equal digests mean equal state, applied index included.
     */
    public byte[] stateDigest() {
        return asReader(() -> digest(false));
    }

    /**
     * Like {@link #stateDigest()} but without the bookkeeping keys (applied index, last timestamp): equal
     * before and after entries that were applied but changed nothing (refused commands).
     */
    public byte[] contentDigest() {
        return asReader(() -> digest(true));
    }

    /**
     * Writes a consistent RocksDB checkpoint of the current state into {@code target}, which must not
     * exist; its parent is created if missing. Serialized with {@link #applyBatch}, so the checkpoint
     * holds exactly the state at {@link #appliedIndex()} as read by the caller on the applying thread.
     */
    public void checkpointTo(Path target) {
        Objects.requireNonNull(target, "target");
        if (Files.exists(target)) {
            throw new IllegalArgumentException("checkpoint target already exists: " + target);
        }
        asWriter(() -> {
            try (Checkpoint checkpoint = Checkpoint.create(db)) {
                createParent(target);
                flush(); // without a WAL, only flushed data is in the checkpoint's files
                purgeErasedText();
                checkpoint.createCheckpoint(target.toString());
            } catch (RocksDBException e) {
                throw new StateMachineException("cannot write checkpoint to " + target, e);
            }
            log.info("Wrote checkpoint at applied index {} to {}", appliedIndex, target);
            return null;
        });
    }

    /**
     * Replaces the whole state with the checkpoint in {@code checkpointDir} (made by
     * {@link #checkpointTo}, possibly copied elsewhere; left untouched). The files are first copied
     * next to the database directory, then the database is closed, its directory's content replaced
     * and the database reopened. Queries wait meanwhile. If the swap fails, this instance is unusable
     * afterwards (every call throws {@link IllegalStateException}) and the replica must stop.
     */
    public void restoreFrom(Path checkpointDir) {
        Path source = validCheckpoint(checkpointDir);
        Path staging = restoreStaging();
        writerLock.lock();
        try {
            ensureOpen();
            stage(source, staging);
            swapIn(staging);
            erasedSinceCheckpoint.clear(); // ranges of the state just replaced
        } finally {
            writerLock.unlock();
        }
        log.info("Restored chat state from {} at applied index {}", source, appliedIndex);
    }

    /** Flushes memtables and closes the database. Waits for running queries; idempotent. */
    @Override
    public void close() {
        writerLock.lock();
        stateLock.writeLock().lock();
        try {
            boolean wasOpen = db != null; // false after a second close or a failed restore
            try {
                if (wasOpen) {
                    flush();
                }
            } finally {
                closeDb();
                writeOptions.close(); // idempotent
            }
            if (wasOpen) {
                log.info("Closed chat state in {} at applied index {}", dbDir, appliedIndex);
            }
        } finally {
            stateLock.writeLock().unlock();
            writerLock.unlock();
        }
    }

    /**
     * Compacts the ranges whose text was deleted since the last checkpoint, so no table the checkpoint
     * links still holds an old version with the text. Only those ranges: a delete costs a rewrite of the
     * few tables that overlap its keys, not of the database. Changes no state.
     */
    private void purgeErasedText() throws RocksDBException {
        if (erasedSinceCheckpoint.isEmpty()) {
            return;
        }
        try (CompactRangeOptions options = new CompactRangeOptions()
                .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForceOptimized)) {
            for (KeyRange range : mergedErasedRanges()) {
                db.compactRange(db.getDefaultColumnFamily(), range.from(), range.to(), options);
            }
        }
        log.debug("Purged the old versions of {} deleted key ranges before a checkpoint", erasedSinceCheckpoint.size());
        erasedSinceCheckpoint.clear();
    }

    /** The erased ranges, sorted and with overlapping or touching ones merged: one compaction each. */
    private List<KeyRange> mergedErasedRanges() {
        List<KeyRange> sorted = new java.util.ArrayList<>(erasedSinceCheckpoint);
        sorted.sort((a, b) -> java.util.Arrays.compareUnsigned(a.from(), b.from()));
        List<KeyRange> merged = new java.util.ArrayList<>();
        for (KeyRange range : sorted) {
            KeyRange last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && java.util.Arrays.compareUnsigned(range.from(), last.to()) <= 0) {
                byte[] to = java.util.Arrays.compareUnsigned(range.to(), last.to()) > 0 ? range.to() : last.to();
                merged.set(merged.size() - 1, new KeyRange(last.from(), to));
            } else {
                merged.add(range);
            }
        }
        return merged;
    }

    private void commit(BatchStore store, BatchApplier applier) {
        if (applier.appliedIndex() == appliedIndex) {
            return; // replay only: nothing to write
        }
        try {
            store.put(Keys.APPLIED_INDEX, Keys.longBytes(applier.appliedIndex()));
            store.put(Keys.LAST_TIMESTAMP_MS, Keys.longBytes(applier.lastTimestampMs()));
            try (WriteBatch writeBatch = store.toWriteBatch()) {
                db.write(writeOptions, writeBatch);
            }
            store.committed();
        } catch (RocksDBException e) {
            throw new StateMachineException("cannot write apply batch up to index " + applier.appliedIndex(), e);
        }
        appliedIndex = applier.appliedIndex();
        lastTimestampMs = applier.lastTimestampMs();
    }

    private byte[] digest(boolean contentOnly) {
        MessageDigest sha256 = sha256();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot);
                RocksIterator it = db.newIterator(readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!(contentOnly && key[0] == Keys.META)) {
                    updateLengthPrefixed(sha256, key);
                    updateLengthPrefixed(sha256, it.value());
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed", e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
        return sha256.digest();
    }

    private static void updateLengthPrefixed(MessageDigest digest, byte[] bytes) {
        // The length keeps (key "ab", value "c") apart from (key "a", value "bc").
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private Path validCheckpoint(Path checkpointDir) {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Path source = checkpointDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(source.resolve("CURRENT"))) {
            throw new IllegalArgumentException("not a RocksDB checkpoint (no CURRENT file): " + checkpointDir);
        }
        if (source.startsWith(dbDir)) {
            throw new IllegalArgumentException("cannot restore from inside the live database directory: " + checkpointDir);
        }
        return source;
    }

    private Path restoreStaging() {
        return dbDir.resolveSibling(dbDir.getFileName() + RESTORE_STAGING_SUFFIX);
    }

    /**
     * A staging directory left at start-up means a restore stopped half-way (a crash or a power failure
     * between emptying the database directory and moving the checkpoint in, say), so what is in the
     * database directory may be neither the old state nor the new. The state is derived data: start
     * empty (applied index 0), and Raft loads its latest snapshot and replays the log after it.
     */
    private void discardInterruptedRestore() throws IOException {
        Path staging = restoreStaging();
        if (!Files.exists(staging)) {
            return;
        }
        log.warn("A restore of the chat state from a snapshot was interrupted ({} is left); starting from an empty "
                + "state in {}: Raft loads its latest snapshot and replays the log after it", staging, dbDir);
        DirectoryFiles.deleteChildren(dbDir);
        DirectoryFiles.sync(dbDir);
        DirectoryFiles.deleteTree(staging);
        DirectoryFiles.sync(dbDir.getParent());
    }

    /** Copies the checkpoint before closing anything, so a failed copy leaves the current state in service. */
    private static void stage(Path source, Path staging) {
        try {
            DirectoryFiles.deleteTree(staging); // left over by a restore that crashed
            DirectoryFiles.copyTree(source, staging);
        } catch (IOException e) {
            throw new StateMachineException("cannot copy checkpoint " + source + " to " + staging, e);
        }
    }

    private void swapIn(Path staging) {
        stateLock.writeLock().lock();
        try {
            closeDb(); // no flush: this state is being thrown away
            DirectoryFiles.deleteChildren(dbDir);
            DirectoryFiles.moveChildren(staging, dbDir);
            DirectoryFiles.deleteTree(staging);
            DirectoryFiles.sync(dbDir.getParent()); // else the staging directory may come back after a power failure
            openDb();
        } catch (IOException e) {
            throw new StateMachineException("cannot replace " + dbDir + " with the checkpoint; state machine unusable", e);
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private void openDb() {
        LRUCache newCache = blockCache();
        Options newOptions = dbOptions(newCache);
        try {
            db = RocksDB.open(newOptions, dbDir.toString());
            options = newOptions;
            blockCache = newCache;
            appliedIndex = readMetaLong(Keys.APPLIED_INDEX);
            lastTimestampMs = readMetaLong(Keys.LAST_TIMESTAMP_MS);
            sessionCache.invalidate(); // a restore brings other sessions
            applyCache.clear();
        } catch (RocksDBException e) {
            newOptions.close();
            newCache.close();
            throw new StateMachineException("cannot open RocksDB in " + dbDir, e);
        }
    }

    /**
     * Every apply looks up keys that are usually absent (a new idempotency key) or hot (a room, a seq
     * counter): Bloom filters on the tables and on the memtable let a miss skip the search instead of
     * walking every level. Whole-key filtering only; history scans seek and iterate, unaffected.
     *
     * <p>The tables' index and filter blocks live in {@code cache}, partitioned, beside the data
     * blocks. Held by the table readers instead (RocksDB's default), they grow with the history: 2 to
     * 15 MB per node over a 30-minute soak, and without end in a chat that keeps its history
     * (docs/performance.md, round 25). Level 0's and the partitions' top-level blocks stay pinned, so
     * a lookup in fresh tables never waits on a read.
     *
     * <p>Flushes write level 0 uncompressed; every level below it is LZ4. A flushed table lives only
     * until the next compaction merges it down, so compressing it (Snappy, RocksDB's default) was work
     * thrown away: about 7% of a follower's CPU under steady posting, and each compaction then had to
     * decompress it again (docs/performance.md, round 8). History at rest stays compressed.
     */
    static Options dbOptions(LRUCache cache) {
        BlockBasedTableConfig tables = new BlockBasedTableConfig()
                .setFilterPolicy(new BloomFilter(BLOOM_BITS_PER_KEY, false))
                .setWholeKeyFiltering(true)
                .setBlockCache(cache)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(METADATA_BLOCK_BYTES)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setPinTopLevelIndexAndFilter(true);
        return new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(tables)
                .setMemtableWholeKeyFiltering(true)
                .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_SIZE_RATIO)
                .setCompressionPerLevel(compressionPerLevel());
    }

    /** A cache for {@link #dbOptions}; its owner closes it after the database. */
    static LRUCache blockCache() {
        return new LRUCache(BLOCK_CACHE_BYTES, -1, false, INDEX_AND_FILTER_CACHE_SHARE);
    }

    /** No compression for level 0 (the flushes), LZ4 for the others (with dynamic level sizes: from the base level down). */
    private static List<CompressionType> compressionPerLevel() {
        List<CompressionType> levels = new java.util.ArrayList<>();
        levels.add(CompressionType.NO_COMPRESSION);
        for (int level = 1; level < LEVELS; level++) {
            levels.add(CompressionType.LZ4_COMPRESSION);
        }
        return levels;
    }

    private long readMetaLong(byte[] key) {
        byte[] value = get(key);
        return value == null ? 0 : Keys.readLong(value);
    }

    private void closeDb() {
        if (db != null) {
            db.close();
            db = null;
        }
        if (options != null) {
            options.close();
            options = null;
        }
        if (blockCache != null) {
            blockCache.close();
            blockCache = null;
        }
    }

    private void flush() {
        try (FlushOptions flushOptions = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flushOptions);
        } catch (RocksDBException e) {
            throw new StateMachineException("cannot flush RocksDB memtables", e);
        }
    }

    private byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB read failed", e);
        }
    }

    private static void createParent(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StateMachineException("cannot create " + parent, e);
        }
    }

    private void ensureOpen() {
        if (db == null) {
            throw new IllegalStateException("chat state machine in " + dbDir + " is closed");
        }
    }

    private <T> T asReader(Supplier<T> query) {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            return query.get();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    private <T> T asWriter(Supplier<T> work) {
        writerLock.lock();
        try {
            return asReader(work);
        } finally {
            writerLock.unlock();
        }
    }
}
