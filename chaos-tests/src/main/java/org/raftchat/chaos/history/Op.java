package org.raftchat.chaos.history;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the operation history: an invocation or a completion.
 *
 * <p>A process runs one operation at a time, so a completion belongs to the last invocation of
 * the same {@code process}. {@code index} is the recorder's total order; {@code timeNanos} is
 * taken together with it, so index order is also real-time order.
 *
 * @param index       position in the history, strictly increasing in record order
 * @param process     the logical client that ran the operation
 * @param type        invocation or outcome
 * @param f           what the operation does
 * @param room        the room it targets
 * @param node        the node the request was sent to (null if unknown)
 * @param timeNanos   nanoseconds since the start of the run
 * @param key         for a POST: the unique message text (= idempotency key); null for a READ
 * @param seq         for an OK POST: the seq the server assigned; otherwise null
 * @param readKeys    for an OK READ: the message keys in seq order as read; otherwise null
 * @param readLastSeq for an OK READ: the room's last seq reported by the server; otherwise null
 * @param error       for FAIL and INFO: what went wrong; otherwise null
 */
public record Op(
        long index,
        int process,
        OpType type,
        OpFunction f,
        String room,
        String node,
        long timeNanos,
        String key,
        Long seq,
        List<String> readKeys,
        Long readLastSeq,
        String error) {

    public Op {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(room, "room");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        if (f == OpFunction.POST && key == null) {
            throw new IllegalArgumentException("a POST needs its key (the message text)");
        }
        readKeys = readKeys == null ? null : List.copyOf(readKeys);
    }

    /** True for an OK READ or OK POST: the server confirmed the operation. */
    public boolean succeeded() {
        return type == OpType.OK;
    }

    /** A short human-readable form for anomaly descriptions: {@code #12 p3 OK POST r1 'k' seq=4}. */
    public String brief() {
        StringBuilder s = new StringBuilder()
                .append('#').append(index).append(" p").append(process)
                .append(' ').append(type).append(' ').append(f).append(' ').append(room);
        if (node != null) {
            s.append(" @").append(node);
        }
        if (key != null) {
            s.append(" '").append(key).append('\'');
        }
        if (seq != null) {
            s.append(" seq=").append(seq);
        }
        if (readLastSeq != null) {
            s.append(" lastSeq=").append(readLastSeq);
        }
        if (error != null) {
            s.append(" (").append(error).append(')');
        }
        return s.toString();
    }
}
