package org.raftchat.statemachine;

import java.util.List;
import java.util.Objects;
import org.raftchat.proto.v1.ChatMessage;

/**
 * The outcome of one log entry. Business outcomes are data, not exceptions: the node maps each
 * variant to a gRPC answer in one place. A retried command (same idempotency key) yields the
 * result of its first successful application, equal to the original one.
 */
public sealed interface ApplyResult {

    /** A room was created by the entry at {@code logIndex}. */
    record RoomCreated(String room, long logIndex) implements ApplyResult {
        public RoomCreated {
            Objects.requireNonNull(room, "room");
        }
    }

    /** A message was stored; it carries its conversation (canonical), seq, timestamp and log index. */
    record MessageStored(ChatMessage message) implements ApplyResult {
        public MessageStored {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The command was refused; nothing but the applied index changed. {@code detail} is a human sentence. */
    record Rejected(Rejection reason, String detail) implements ApplyResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The results of an entry that carried a batch of commands, one per command in the batch's
     * order. A command inside may be rejected while the others are stored.
     */
    record Batched(List<ApplyResult> results) implements ApplyResult {
        public Batched {
            results = List.copyOf(results);
        }
    }

    /** The entry's index is at or below the applied index (replay after a restart): nothing was done. */
    record AlreadyApplied() implements ApplyResult {}
}
