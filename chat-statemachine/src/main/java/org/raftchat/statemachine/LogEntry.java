package org.raftchat.statemachine;

import java.util.Objects;

/**
 * One committed log entry: its Raft index and its bytes (an encoded {@code Command}).
 *
 * <p>The index is not validated here: an out-of-order or non-positive index is a property of the
 * log, so {@link ChatStateMachine#applyBatch} reports it as a {@link CorruptLogException}.
 */
public record LogEntry(long index, byte[] data) {

    public LogEntry {
        Objects.requireNonNull(data, "data (use an empty array, which is then reported as corrupt)");
    }

    @Override
    public String toString() {
        return "LogEntry[index=" + index + ", " + data.length + " bytes]";
    }
}
