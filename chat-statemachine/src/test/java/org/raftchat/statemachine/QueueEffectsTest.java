package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.NackQueueMessage;
import org.raftchat.proto.v1.QueuePolicy;

/**
 * The node wakes queue streams and dead-letter subscribers from what applyBatch reports beside the
 * results: every batch that changes a queue names it, a dead letter comes with the message stored,
 * and a batch that touches no queue reports nothing (no wake-ups for ordinary chat).
 */
class QueueEffectsTest {

    @TempDir
    Path dir;

    @Test
    void aDeadLetterAndTheQueuesABatchChangedAreReportedAndOrdinaryChatReportsNothing() {
        try (ChatStateMachine machine = ChatStateMachine.open(dir)) {
            TestLog.registerAll(machine, "alice");
            Command queue = TestLog.createQueue("jobs", "alice");
            queue = queue.toBuilder().setCreateRoom(queue.getCreateRoom().toBuilder()
                    .setQueuePolicy(QueuePolicy.newBuilder().setAckTimeoutMs(60_000).setMaxDeliveries(1))).build();
            List<QueueEffects> reported = new ArrayList<>();
            machine.applyBatch(TestLog.entries(2, TestLog.login("alice", "d", "ta"), queue, TestLog.createRoom("general", "alice"),
                    TestLog.post("general", "alice", "hello")), reported::add);
            assertThat(reported).isEmpty();

            machine.applyBatch(TestLog.entries(6, TestLog.startConsuming("jobs", "ta"), TestLog.post("jobs", "alice", "poison")),
                    reported::add);
            assertThat(reported).singleElement().satisfies(effects -> {
                assertThat(effects.changedQueues()).containsExactly("jobs");
                assertThat(effects.deadLetters()).isEmpty();
            });

            reported.clear();
            machine.applyBatch(TestLog.entries(8, Command.newBuilder().setNackQueueMessage(NackQueueMessage.newBuilder()
                    .setRoom("jobs").setTokenSha256(ByteString.copyFromUtf8("ta")).setSeq(1)).build()), reported::add);
            assertThat(reported).singleElement().satisfies(effects -> {
                assertThat(effects.changedQueues()).containsExactly("jobs");
                assertThat(effects.deadLetters()).singleElement().satisfies(dead -> {
                    assertThat(dead.getConversation().getRoom()).isEqualTo("jobs.dlq");
                    assertThat(dead.getText()).isEqualTo("poison");
                    assertThat(dead.getRefersToSeq()).isEqualTo(1);
                });
            });
        }
    }
}
