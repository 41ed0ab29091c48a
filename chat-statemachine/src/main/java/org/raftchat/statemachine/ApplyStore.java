package org.raftchat.statemachine;

import java.util.List;
import org.raftchat.proto.v1.ConversationRef;

/**
 * What command handlers may do to the state during one apply batch: every read sees the writes of
 * earlier entries of the batch. Implemented by {@link BatchApplier}.
 */
interface ApplyStore {

    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** Every key starting with {@code prefix}, in key order, batch writes included. */
    List<byte[]> keysWithPrefix(byte[] prefix);

    /** The keys in [{@code from}, {@code to}), in key order, batch writes included, at most {@code max} of them. */
    List<byte[]> keysInRange(byte[] from, byte[] to, int max);

    /** The first {@code limit} keys starting with {@code prefix}, in key order, batch writes included. */
    List<byte[]> keysWithPrefix(byte[] prefix, int limit);

    /**
     * Keys in [{@code from}, {@code to}) lost text (a delete, or a tombstone over a message): their
     * old versions are purged from RocksDB's tables before the next checkpoint. Changes no state.
     */
    void textErased(byte[] from, byte[] to);

    /** Appends a message to a conversation (assigning the next seq) and returns it. */
    ApplyResult.MessageStored appendMessage(ConversationRef conversation, String author, String text, long index, long timestampMs);

    /** Appends a message built from {@code draft} (conversation, author, text, kind...), assigning seq, time and index. */
    ApplyResult.MessageStored appendMessage(org.raftchat.proto.v1.ChatMessage.Builder draft, long index, long timestampMs);
}
