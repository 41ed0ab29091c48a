package org.raftchat.statemachine;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.proto.v1.ChatMessage;

/**
 * Deleting a message deletes its text wherever apply stored it: the message becomes a tombstone,
 * and so does every EDIT event that carried a later text of it (found through the edit-event index,
 * since events sit further on in the conversation). Every key range whose old values held text is
 * noted ({@link #erasedRanges}), so the next checkpoint can purge the old versions RocksDB still
 * keeps in its tables; noting changes no state.
 */
final class TextErasure {

    private final BatchStore store;
    private final List<KeyRange> erasedRanges = new ArrayList<>();

    TextErasure(BatchStore store) {
        this.store = store;
    }

    /** Key ranges whose old versions held text that this batch deleted. */
    List<KeyRange> erasedRanges() {
        return erasedRanges;
    }

    /** EDIT event {@code eventSeq} carries a text of message {@code seq}: deleting the message must find it. */
    void editAppended(byte[] conversation, long seq, long eventSeq) {
        store.put(Keys.editEvent(conversation, seq, eventSeq), new byte[0]);
    }

    /** Message {@code seq} (if stored) and its EDIT events become tombstones: no text, marked deleted. */
    void erase(byte[] conversation, long seq) {
        tombstone(Keys.message(conversation, seq));
        for (byte[] edit : store.keysWithPrefix(Keys.editEventsOf(conversation, seq))) {
            tombstone(Keys.message(conversation, Keys.seqOf(edit)));
            store.delete(edit);
        }
    }

    /** The conversation goes as a whole (its messages are deleted by the caller): its edit index goes too. */
    void conversationDeleted(byte[] conversation) {
        byte[] messages = Keys.messagePrefix(conversation);
        erasedRanges.add(new KeyRange(messages, Keys.prefixEnd(messages)));
        store.keysWithPrefix(Keys.editEventsPrefix(conversation)).forEach(store::delete);
    }

    private void tombstone(byte[] key) {
        byte[] value = store.get(key);
        if (value == null) {
            return;
        }
        ChatMessage message = StoredValues.parseMessage(value);
        store.put(key, message.toBuilder().setText("").setEdited(false).setDeleted(true).build().toByteArray());
        erasedRanges.add(new KeyRange(key, Keys.successor(key)));
    }
}
