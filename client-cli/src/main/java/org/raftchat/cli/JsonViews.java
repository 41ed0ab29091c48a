package org.raftchat.cli;

import java.time.Instant;
import java.util.List;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ClusterInfo;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.MessageKind;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.UnreadCount;

/**
 * What {@code --output json} prints, as records with stable camelCase field names. ConversationRefs are
 * named as in text output: {@code #room} or {@code @alice,bob}. A field that is null is left out.
 */
final class JsonViews {

    private JsonViews() {
    }

    /** stderr on failure, inside {@code {"error": ...}}. */
    record Error(String code, String message, int exitCode) { }

    /**
     * One message or event of a conversation (history, read, tail, send, dm, edit, delete).
     *
     * @param kind        POST, EDIT or DELETE
     * @param refersToSeq the message an EDIT or DELETE event changes (absent on a POST)
     * @param time        the leader's timestamp as an ISO-8601 instant (UTC)
     */
    record Message(String conversation, long seq, String kind, String author, String text, long timestampMs,
                   String time, boolean edited, boolean deleted, Long refersToSeq, long logIndex) {

        static Message of(ChatMessage m) {
            boolean event = m.getKind() == MessageKind.EDIT || m.getKind() == MessageKind.DELETE;
            return new Message(ConversationRefs.describe(m.getConversation()), m.getSeq(), m.getKind().name(), m.getAuthor(),
                    m.getText(), m.getTimestampMs(), Instant.ofEpochMilli(m.getTimestampMs()).toString(), m.getEdited(),
                    m.getDeleted(), event ? m.getRefersToSeq() : null, m.getLogIndex());
        }

        static List<Message> of(List<ChatMessage> messages) {
            return messages.stream().map(Message::of).toList();
        }
    }

    /** A conversation with unread messages: read after {@code readSeq}, up to {@code lastSeq}. */
    record Unread(String conversation, long unread, long readSeq, long lastSeq) {

        static List<Unread> of(List<UnreadCount> counts) {
            return counts.stream().filter(c -> c.getUnread() > 0)
                    .map(c -> new Unread(ConversationRefs.describe(c.getConversation()), c.getUnread(), c.getReadSeq(), c.getLastSeq()))
                    .toList();
        }
    }

    record Room(String name, String description, String owner, int memberCount, boolean queue, boolean inviteOnly) {

        static Room of(RoomSummary r) {
            return new Room(r.getName(), r.getDescription(), r.getOwner(), r.getMemberCount(), r.getQueue(), r.getInviteOnly());
        }
    }

    /** {@code away}: the friend's away message, absent when not away. */
    record FriendState(String username, boolean online, String away) {

        static FriendState of(Friend f) {
            return new FriendState(f.getUsername(), f.getOnline(), f.getAwayMessage().isEmpty() ? null : f.getAwayMessage());
        }
    }

    /** One node's answer to {@code status}: its view of the cluster, or why it is down. */
    record Node(String address, boolean up, String id, String role, Long term, String leader, Long appliedIndex,
                String downReason) {

        static Node up(String address, ClusterInfo i) {
            return new Node(address, true, i.getNodeId(), i.getRole(), i.getTerm(), i.getLeaderId().isEmpty() ? null : i.getLeaderId(),
                    i.getAppliedIndex(), null);
        }

        static Node down(String address, String reason) {
            return new Node(address, false, null, null, null, null, null, reason);
        }
    }
}
