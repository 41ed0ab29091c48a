package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.QueueDelivery;

/** A backlog longer than one page of assignment keys is handed out in seq order, past the held messages. */
class QueueBacklogTest {

    private static final int POSTS = 600;

    @TempDir
    Path dir;

    @Test
    void consumersThatStartLateTakeTheBacklogInSeqOrderAcrossPages() {
        try (ChatStateMachine machine = ChatStateMachine.open(dir)) {
            TestLog.registerAll(machine, "alice", "bob", "carol");
            List<Command> setup = new ArrayList<>(List.of(TestLog.createQueue("jobs", "alice"), TestLog.join("jobs", "bob"),
                    TestLog.join("jobs", "carol"), TestLog.login("alice", "d", "ta"), TestLog.login("bob", "d", "tb"),
                    TestLog.login("carol", "d", "tc")));
            for (int i = 1; i <= POSTS; i++) {
                setup.add(TestLog.post("jobs", "alice", "job " + i));
            }
            machine.applyBatch(TestLog.entries(4, setup.toArray(Command[]::new)));
            long index = 4 + setup.size();
            for (String token : List.of("ta", "tb", "tc")) {
                Command start = TestLog.startConsuming("jobs", token);
                machine.applyBatch(TestLog.entries(index++, start.toBuilder()
                        .setStartConsuming(start.getStartConsuming().toBuilder().setPrefetch(100)).build()));
            }
            assertThat(held(machine, "ta")).isEqualTo(seqs(1, 100));
            assertThat(held(machine, "tb")).isEqualTo(seqs(101, 200));
            assertThat(held(machine, "tc")).as("past the first page of 256 keys").isEqualTo(seqs(201, 300));
            assertThat(machine.queueStatus("jobs").orElseThrow().getWaiting()).isEqualTo(POSTS - 300);
        }
    }

    private static List<Long> held(ChatStateMachine machine, String token) {
        return machine.queueDeliveries("jobs", com.google.protobuf.ByteString.copyFromUtf8(token).toByteArray(), 1000).stream()
                .map(QueueDelivery::getMessage).map(m -> m.getSeq()).toList();
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
