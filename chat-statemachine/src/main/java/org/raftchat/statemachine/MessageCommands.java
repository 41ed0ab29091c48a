package org.raftchat.statemachine;

import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.DeleteMessage;
import org.raftchat.proto.v1.EditMessage;
import org.raftchat.proto.v1.MessageKind;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.proto.v1.SendDirectMessage;

/**
 * Messages users write: posts to rooms, private messages, and edits and deletes by a message's
 * author. A message is never unread to its author (see {@link ReadPositions#authorHasRead}).
 *
 * <p>Edits and deletes by a message's author. Both update the original in place (latest text marked
 * edited, or a tombstone with no text) and append an event that refers to it, so history shows the
 * current state and subscribers learn of the change in sequence order. A delete leaves no text of
 * the message in the state: its edit events and its dead-letter copy become tombstones too.
 */
final class MessageCommands {

    private final BatchStore store;
    private final StateView view;
    private final MessageLog log;
    private final ReadPositions readPositions;
    private final QueueCommands queues;
    private final TextErasure erasure;

    MessageCommands(BatchStore store, StateView view, MessageLog log, ReadPositions readPositions, QueueCommands queues,
            TextErasure erasure) {
        this.store = store;
        this.view = view;
        this.log = log;
        this.readPositions = readPositions;
        this.queues = queues;
        this.erasure = erasure;
    }

    /**
     * A post by a member; in a work-queue room it also waits for a consumer. The text goes into the
     * stored message as UTF-8 bytes: as a String, protobuf would measure its encoded length and then
     * encode it again, character by character, for every post on every replica.
     */
    ApplyResult post(long index, long timestampMs, PostRoomMessage body) {
        return view.mayPost(body.getRoom(), body.getAuthor()).then(() -> {
            ApplyResult.MessageStored stored = appendByAuthor(
                    ChatMessage.newBuilder().setConversation(CanonicalConversations.room(body.getRoom()))
                            .setAuthor(body.getAuthor()).setTextBytes(body.getTextBytes()), index, timestampMs);
            queues.enqueue(body.getRoom(), stored.message().getSeq());
            return stored;
        });
    }

    /** A private message between two registered users; the conversation shows in both users' unread lists. Text as in {@link #post}. */
    ApplyResult sendDirect(long index, long timestampMs, SendDirectMessage body) {
        return view.knownUser(body.getSender()).and(() -> view.knownUser(body.getRecipient())).then(() -> {
            ConversationRef pair = CanonicalConversations.direct(body.getSender(), body.getRecipient());
            readPositions.noteDirect(pair);
            return appendByAuthor(ChatMessage.newBuilder().setConversation(pair).setAuthor(body.getSender()).setTextBytes(body.getTextBytes()),
                    index, timestampMs);
        });
    }

    ApplyResult edit(long index, long timestampMs, EditMessage body) {
        ConversationRef conversation = CanonicalConversations.canonical(body.getConversation());
        return changeable(conversation, body.getUser(), body.getSeq()).then(() -> {
            byte[] key = Keys.message(Keys.conversation(conversation), body.getSeq());
            ChatMessage original = StoredValues.parseMessage(store.get(key));
            store.put(key, original.toBuilder().setText(body.getText()).setEdited(true).build().toByteArray());
            ApplyResult.MessageStored event = appendByAuthor(
                    event(conversation, body.getUser(), MessageKind.EDIT, body.getSeq()).setText(body.getText()), index, timestampMs);
            // The event repeats the text: deleting the message must find it.
            erasure.editAppended(Keys.conversation(conversation), body.getSeq(), event.message().getSeq());
            return event;
        });
    }

    ApplyResult delete(long index, long timestampMs, DeleteMessage body) {
        ConversationRef conversation = CanonicalConversations.canonical(body.getConversation());
        return changeable(conversation, body.getUser(), body.getSeq()).then(() -> {
            // The text goes from everywhere apply put it: the message, its edit events, a dead-letter copy.
            erasure.erase(Keys.conversation(conversation), body.getSeq());
            if (conversation.hasRoom()) {
                queues.messageDeleted(conversation.getRoom(), body.getSeq());
            }
            return appendByAuthor(event(conversation, body.getUser(), MessageKind.DELETE, body.getSeq()), index, timestampMs);
        });
    }

    /** Appends a message users wrote: it is not unread to its author. */
    private ApplyResult.MessageStored appendByAuthor(ChatMessage.Builder draft, long index, long timestampMs) {
        ApplyResult.MessageStored stored = log.append(draft, index, timestampMs);
        readPositions.authorHasRead(stored.message().getConversation(), stored.message().getAuthor(), stored.message().getSeq());
        return stored;
    }

    private static ChatMessage.Builder event(ConversationRef conversation, String user, MessageKind kind, long refersTo) {
        return ChatMessage.newBuilder().setConversation(conversation).setAuthor(user).setKind(kind).setRefersToSeq(refersTo);
    }

    /**
     * Whether {@code user} may change post {@code seq}: access to the conversation first, as for a
     * read, so an outsider learns neither how many messages it holds nor who wrote them; then
     * existence, then authorship.
     */
    private Check changeable(ConversationRef conversation, String user, long seq) {
        return view.mayRead(conversation, user).and(() -> {
            byte[] value = store.get(Keys.message(Keys.conversation(conversation), seq));
            ChatMessage message = value == null ? null : StoredValues.parseMessage(value);
            if (message == null || message.getKind() != MessageKind.POST) {
                return Check.refused(Rejection.MESSAGE_NOT_FOUND, "no message with seq " + seq + " in that conversation");
            }
            if (!message.getAuthor().equals(user)) {
                return Check.refused(Rejection.NOT_MESSAGE_AUTHOR, "only its author (" + message.getAuthor() + ") may change message " + seq);
            }
            return Check.require(!message.getDeleted(), Rejection.MESSAGE_DELETED, () -> "message " + seq + " was deleted");
        });
    }
}
