package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.MessageKind;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.statemachine.StoredHistoryPage;

/** A history answer built from stored encodings reads, on the client's side, as one built from decoded messages. */
class HistoryResponseTest {

    private static final ConversationRef ROOM = ConversationRef.newBuilder().setRoom("lobby").build();

    @Test
    void clientsReadTheStoredMessagesInOrderWithTheLastSeq() throws Exception {
        List<ChatMessage> messages = List.of(
                message(7, "hello", false),
                message(8, "", true),
                ChatMessage.newBuilder().setConversation(ROOM).setSeq(9).setAuthor("bo").setKind(MessageKind.EDIT)
                        .setRefersToSeq(7).setText("héllo, wörld ✓").setTimestampMs(1_700_000_000_123L).setLogIndex(42).build());

        ReadHistoryResponse sent = ReadRoutes.historyResponse(new StoredHistoryPage(
                messages.stream().map(ChatMessage::toByteString).toList(), 12));
        ReadHistoryResponse received = ReadHistoryResponse.parseFrom(sent.toByteArray());

        assertThat(received).isEqualTo(ReadHistoryResponse.newBuilder().addAllMessages(messages).setLastSeq(12).build());
        assertThat(received.getUnknownFields().asMap()).isEmpty();
    }

    @Test
    void anEmptyPageCarriesOnlyTheLastSeq() throws Exception {
        ReadHistoryResponse sent = ReadRoutes.historyResponse(new StoredHistoryPage(List.of(), 0));

        assertThat(ReadHistoryResponse.parseFrom(sent.toByteArray())).isEqualTo(ReadHistoryResponse.getDefaultInstance());
        assertThat(sent.getSerializedSize()).isZero();
    }

    @Test
    void theWireFormIsWhatAddAllMessagesWouldSendUpToFieldOrder() throws Exception {
        ChatMessage one = message(1, "a", false);
        ByteString stored = one.toByteString();
        ReadHistoryResponse sent = ReadRoutes.historyResponse(new StoredHistoryPage(List.of(stored, stored), 3));

        assertThat(sent.getSerializedSize())
                .isEqualTo(ReadHistoryResponse.newBuilder().addMessages(one).addMessages(one).setLastSeq(3).build().getSerializedSize());
    }

    private static ChatMessage message(long seq, String text, boolean deleted) {
        return ChatMessage.newBuilder().setConversation(ROOM).setSeq(seq).setAuthor("al").setText(text).setDeleted(deleted)
                .setTimestampMs(1_700_000_000_000L + seq).setLogIndex(30 + seq).build();
    }
}
