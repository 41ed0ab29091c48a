package org.raftchat.statemachine;

import java.util.List;
import java.util.Set;
import org.raftchat.proto.v1.ChatMessage;

/**
 * What an apply batch did to work queues that its results do not show: the queue rooms whose
 * consumers or assignments changed (their queue streams have news) and the messages it stored in
 * dead-letter rooms (their subscribers have news), whatever command caused it (an ack, an expiry,
 * a presence tick, a logout...).
 */
public record QueueEffects(Set<String> changedQueues, List<ChatMessage> deadLetters) {
    public QueueEffects {
        changedQueues = Set.copyOf(changedQueues);
        deadLetters = List.copyOf(deadLetters);
    }

    public boolean isEmpty() {
        return changedQueues.isEmpty() && deadLetters.isEmpty();
    }
}
