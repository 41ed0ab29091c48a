package org.raftchat.chaos.checker;

import java.util.List;
import java.util.Objects;
import org.raftchat.chaos.history.Op;

/**
 * One violation of the guarantees RaftChat makes.
 *
 * @param kind        an {@link AnomalyKind#label()}, e.g. {@code "lost"}
 * @param description what is wrong, naming keys, seqs, nodes and times
 * @param ops         the offending operations in index order (e.g. the POST and its completion
 *                    for a lost write; the READ and the POST it missed for a stale read); empty
 *                    when no operation is involved (a key that was never posted)
 */
public record Anomaly(String kind, String description, List<Op> ops) {

    public Anomaly {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        ops = List.copyOf(ops);
    }
}
