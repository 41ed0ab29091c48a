package org.raftchat.statemachine;

/** Which slice of a conversation to read. Every variant returns at most {@code limit} messages, ascending by seq. */
public sealed interface HistoryQuery {

    /** The maximum number of messages to return, at least 1. */
    int limit();

    /** The newest {@code limit} messages. */
    record Latest(int limit) implements HistoryQuery {
        public Latest {
            requirePositive(limit);
        }
    }

    /** The newest {@code limit} messages with a seq strictly below {@code seq}. */
    record Before(long seq, int limit) implements HistoryQuery {
        public Before {
            requirePositive(limit);
        }
    }

    /** The oldest {@code limit} messages with a seq strictly above {@code seq}. */
    record After(long seq, int limit) implements HistoryQuery {
        public After {
            requirePositive(limit);
        }
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
    }
}
