package org.raftchat.statemachine;

import org.raftchat.proto.v1.ChatMessage;

/**
 * Deleting a message deletes its text wherever apply stored it: the message becomes a tombstone,
 * and so does every EDIT event that carried a later text of it (found through the edit-event index,
 * since events sit further on in the conversation). Every key whose old value held text is reported
 * to the store ({@link ApplyStore#textErased}), so the next checkpoint can purge the old versions
 * RocksDB still keeps in its tables.
 */
final class TextErasure {

    private final ApplyStore store;

    TextErasure(ApplyStore store) {
        this.store = store;
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
        store.textErased(messages, Keys.prefixEnd(messages));
        store.keysWithPrefix(Keys.editEventsPrefix(conversation)).forEach(store::delete);
    }

    private void tombstone(byte[] key) {
        byte[] value = store.get(key);
        if (value == null) {
            return;
        }
        ChatMessage message = StoredValues.parseMessage(value);
        store.put(key, message.toBuilder().setText("").setEdited(false).setDeleted(true).build().toByteArray());
        store.textErased(key, Keys.successor(key));
    }
}
