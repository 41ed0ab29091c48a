package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.raftchat.node.testing.Api.as;
import static org.raftchat.node.testing.Api.code;
import static org.raftchat.node.testing.Api.direct;
import static org.raftchat.node.testing.Api.dm;
import static org.raftchat.node.testing.Api.join;
import static org.raftchat.node.testing.Api.registerAndLogin;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ChatServiceGrpc.ChatServiceBlockingStub;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.LoginResponse;
import org.raftchat.proto.v1.MarkReadRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.UnreadCount;

/** Private conversations and offline delivery (read positions, unread counts) on a 3-node cluster. */
class PrivateChatAndOfflineDeliveryIT {

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    ChatServiceBlockingStub anonymousLeader;

    @BeforeEach
    void stubOnLeader() {
        anonymousLeader = cluster.anonymousStub(cluster.awaitLeader().id());
    }

    @Test
    void onlyTheTwoParticipantsReadAPrivateConversationAndUnknownRecipientsAreNotFound() {
        // Goal: a third user cannot read alice<->bob; a message to nobody is NOT_FOUND and stores nothing.
        ChatServiceBlockingStub alice = as(anonymousLeader, registerAndLogin(anonymousLeader, "alice", "d"));
        ChatServiceBlockingStub bob = as(anonymousLeader, registerAndLogin(anonymousLeader, "bob", "d"));
        ChatServiceBlockingStub carol = as(anonymousLeader, registerAndLogin(anonymousLeader, "carol", "d"));
        dm(alice, "bob", "just us");

        assertThat(history(bob, direct("bob", "alice"), 0)).extracting(ChatMessage::getText).containsExactly("just us");
        assertThat(code(catchThrowable(() -> history(carol, direct("alice", "bob"), 0)))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(catchThrowable(() -> dm(alice, "nobody", "hello?")))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(catchThrowable(() -> dm(alice, "alice", "me")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void messagesSentWhileOfflineArriveOnceInOrderAcrossALeaderChange() throws Exception {
        // Goal: bob is offline while alice writes, before and after the leader dies; at login bob learns the
        // unread counts, fetches from his read positions in order, and after marking read sees nothing twice.
        ChatServiceBlockingStub alice = as(anonymousLeader, registerAndLogin(anonymousLeader, "alice", "d"));
        String bobToken = registerAndLogin(anonymousLeader, "bob", "d");
        Api.createRoom(alice, "team");
        join(as(anonymousLeader, bobToken), "team");
        as(anonymousLeader, bobToken).logout(org.raftchat.proto.v1.LogoutRequest.newBuilder().setIdempotencyKey("bye").build());

        TestSession aliceSession = new TestSession(cluster, "alice", "second-device");
        org.raftchat.node.testing.RetryingWriter writer = new org.raftchat.node.testing.RetryingWriter(cluster);
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            sent.add(Api.post(alice, "team", "before " + i).getText());
        }
        dm(alice, "bob", "dm before");
        cluster.stopNode(cluster.awaitLeader().id());
        for (int i = 1; i <= 5; i++) {
            sent.add(writer.postAs(aliceSession, "team", "after " + i, "after-" + i, Duration.ofSeconds(30)).getText());
        }

        LoginResponse login = new TestSession(cluster, "bob", "d").loginResponse();
        ChatServiceBlockingStub bob = as(cluster.anonymousStub(cluster.followers().get(0).id()), login.getToken());

        assertThat(login.getUnreadList()).extracting(c -> name(c.getConversation()), UnreadCount::getReadSeq, UnreadCount::getUnread)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("#team", 0L, 10L),
                        org.assertj.core.groups.Tuple.tuple("@alice,bob", 0L, 1L));
        List<ChatMessage> fetched = history(bob, Api.room("team"), 0);
        assertThat(fetched).extracting(ChatMessage::getText).containsExactlyElementsOf(sent);
        as(cluster.anonymousStub(cluster.awaitLeader().id()), login.getToken()).markRead(MarkReadRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
                .setConversation(Api.room("team")).setSeq(fetched.get(fetched.size() - 1).getSeq()).build());

        UnreadCount team = bob.getUnread(GetUnreadRequest.getDefaultInstance()).getConversationsList().stream()
                .filter(c -> c.getConversation().getRoom().equals("team")).findFirst().orElseThrow();
        assertThat(team.getUnread()).isZero();
        assertThat(history(bob, Api.room("team"), team.getReadSeq())).isEmpty();
    }

    private static List<ChatMessage> history(ChatServiceBlockingStub stub, ConversationRef conversation, long afterSeq) {
        return stub.readHistory(ReadHistoryRequest.newBuilder().setConversation(conversation).setAfterSeq(afterSeq)
                .setLimit(1000).build()).getMessagesList();
    }

    private static String name(ConversationRef c) {
        return c.getKindCase() == ConversationRef.KindCase.ROOM ? "#" + c.getRoom()
                : "@" + c.getDirect().getUserA() + "," + c.getDirect().getUserB();
    }
}
