package org.raftchat.config;

import java.util.Objects;

/**
 * The write path's levers in SOFAJRaft. Durability is not one of them: every entry is fsynced
 * before it counts toward a majority, whatever these say.
 *
 * @param applyBatch             proposals taken from the leader's queue into one log append (one fsync)
 * @param maxAppendBufferBytes   bytes the log buffers before it must flush
 * @param maxEntriesPerRpc       entries in one AppendEntries request to a follower
 * @param maxInflightRpcs        AppendEntries requests in flight to one follower (pipelining)
 * @param replicatorPipeline     send the next AppendEntries before the previous one is answered
 * @param readMode               how the leader confirms its leadership for linearizable reads
 * @param maxCommandsPerEntry    client writes the leader groups into one log entry (group commit); 1 = off
 * @param groupLingerMs          under concurrent load, the least time between two grouped entries unless one is full; 0 = off
 */
public record RaftTuning(
        int applyBatch,
        int maxAppendBufferBytes,
        int maxEntriesPerRpc,
        int maxInflightRpcs,
        boolean replicatorPipeline,
        ReadMode readMode,
        int maxCommandsPerEntry,
        int groupLingerMs) {

    public RaftTuning {
        positive("applyBatch", applyBatch);
        positive("maxAppendBufferBytes", maxAppendBufferBytes);
        positive("maxEntriesPerRpc", maxEntriesPerRpc);
        positive("maxInflightRpcs", maxInflightRpcs);
        Objects.requireNonNull(readMode, "raft.readMode");
        positive("maxCommandsPerEntry", maxCommandsPerEntry);
        if (groupLingerMs < 0) {
            throw new IllegalArgumentException("raft.groupLingerMs: must be >= 0, got " + groupLingerMs);
        }
    }

    public static RaftTuning defaults() {
        return new RaftTuning(Defaults.RAFT_APPLY_BATCH, Defaults.RAFT_MAX_APPEND_BUFFER_BYTES,
                Defaults.RAFT_MAX_ENTRIES_PER_RPC, Defaults.RAFT_MAX_INFLIGHT_RPCS, true, Defaults.RAFT_READ_MODE,
                Defaults.RAFT_MAX_COMMANDS_PER_ENTRY, Defaults.RAFT_GROUP_LINGER_MS);
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("raft." + field + ": must be > 0, got " + value);
        }
    }
}
