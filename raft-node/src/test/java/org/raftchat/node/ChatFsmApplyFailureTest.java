package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.EnumOutter;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.Limits;
import org.raftchat.node.metrics.NodeMetrics;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.CreateRoom;
import org.raftchat.proto.v1.EditMessage;
import org.raftchat.proto.v1.PostRoomMessage;
import org.raftchat.statemachine.ApplyFailedException;
import org.raftchat.statemachine.ChatStateMachine;
import org.raftchat.statemachine.CorruptLogException;
import org.raftchat.statemachine.StateMachineException;
import org.slf4j.LoggerFactory;

/**
 * A command that fails unexpectedly in apply (a bug, not a corrupt entry) stops the replica the way
 * a corrupt entry does, and visibly: SOFAJRaft's error state with the batch rolled back, the applied
 * index where it was, a metric, one error line naming the entry, and a fatal error classified as a
 * bug. The entry is real log bytes applied by the real state machine: an edit that names no
 * conversation, which the leader's validation never proposes.
 */
class ChatFsmApplyFailureTest {

    @TempDir
    Path dir;

    private ChatStateMachine stateMachine;
    private ScheduledExecutorService pumps;
    private final NodeMetrics metrics = new NodeMetrics();
    private final List<FatalError> fatalErrors = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
    private ChatFsm fsm;

    @BeforeEach
    void start() {
        stateMachine = ChatStateMachine.open(dir.resolve("state"));
        pumps = Executors.newSingleThreadScheduledExecutor();
        fsm = new ChatFsm(stateMachine, new SubscriptionHub(stateMachine, pumps, Limits.defaults()), metrics,
                new LeaderDuties(pumps), fatalErrors::add);
        logLines.start();
        ((Logger) LoggerFactory.getLogger(ChatFsm.class)).addAppender(logLines);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(ChatFsm.class)).detachAppender(logLines);
        pumps.shutdownNow();
        stateMachine.close();
    }

    @Test
    void aBugInApplyStopsTheReplicaVisiblyWithoutAdvancingTheAppliedIndex() throws IOException {
        fsm.onApply(new LogIterator(1, List.of(
                Command.newBuilder().setCreateRoom(CreateRoom.newBuilder().setRoom("general").setCreator("alice")).build())));
        assertThat(stateMachine.appliedIndex()).isEqualTo(1);

        Command post = Command.newBuilder()
                .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom("general").setAuthor("alice").setText("hi")).build();
        Command editOfNoConversation = Command.newBuilder()
                .setEditMessage(EditMessage.newBuilder().setUser("alice").setSeq(1).setText("edited")).build();
        LogIterator failing = new LogIterator(2, List.of(post, editOfNoConversation));
        fsm.onApply(failing);

        // SOFAJRaft's error state, as for a corrupt entry: the whole batch rolled back, nothing applied.
        assertThat(failing.rolledBack).isEqualTo(2);
        assertThat(failing.error.getRaftError()).isEqualTo(RaftError.ESTATEMACHINE);
        assertThat(stateMachine.appliedIndex()).isEqualTo(1);
        // Health reads this: the node stops serving.
        assertThat(fsm.fatalError()).contains("log entry 3").contains("EDIT_MESSAGE");
        assertThat(scrape()).contains("raftchat_apply_failures_total{cause=\"apply_bug\"} 1.0");

        fsm.onError(new RaftException(EnumOutter.ErrorType.ERROR_TYPE_STATE_MACHINE, failing.error));

        assertThat(fatalErrors).singleElement().satisfies(error -> {
            assertThat(error.cause()).isEqualTo(FatalError.Cause.APPLY_BUG);
            assertThat(error.reason()).contains("log entry 3").contains("EDIT_MESSAGE");
        });
        // One clear line (the stack trace once), not one per callback.
        assertThat(logLines.list).filteredOn(line -> line.getLevel() == Level.ERROR).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).contains("log index 3").contains("EDIT_MESSAGE")
                    .contains("IllegalArgumentException");
            assertThat(line.getThrowableProxy()).isNotNull();
        });
    }

    @Test
    void eachApplyFailureIsClassifiedForItsRepairAndExitCode() {
        // Goal: a bug exits 70 (stay down: a restart would loop), an undecodable entry 74 (replace), a failed disk 75 (restart).
        FatalError bug = FatalError.fromApplyFailure(new ApplyFailedException(7, "POST_ROOM_MESSAGE", new NullPointerException()), 5, 9);
        FatalError unexpected = FatalError.fromApplyFailure(new IllegalStateException("closed"), 5, 9);
        FatalError undecodable = FatalError.fromApplyFailure(new CorruptLogException(6, "not a Command", null), 5, 9);
        FatalError disk = FatalError.fromApplyFailure(new StateMachineException("cannot write apply batch up to index 9"), 5, 9);

        assertThat(bug.cause()).isEqualTo(FatalError.Cause.APPLY_BUG);
        assertThat(bug.reason()).contains("log entry 7 (POST_ROOM_MESSAGE)");
        assertThat(unexpected.cause()).isEqualTo(FatalError.Cause.APPLY_BUG);
        assertThat(unexpected.reason()).contains("log entries 5..9").contains("closed");
        assertThat(undecodable.dataCorrupt()).isTrue();
        assertThat(disk.cause()).isEqualTo(FatalError.Cause.STORAGE_FAILED);
        assertThat(List.of(bug, undecodable, disk)).extracting(NodeMain::exitCode).containsExactly(70, 74, 75);
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(text, metrics.registry().scrape());
        return text.toString(StandardCharsets.UTF_8);
    }

    /** SOFAJRaft's iterator over committed entries from {@code firstIndex}, recording a rollback. */
    private static final class LogIterator implements Iterator {

        private final long firstIndex;
        private final List<Command> commands;
        private int position;
        long rolledBack;
        Status error;

        LogIterator(long firstIndex, List<Command> commands) {
            this.firstIndex = firstIndex;
            this.commands = commands;
        }

        @Override
        public boolean hasNext() {
            return position < commands.size();
        }

        @Override
        public ByteBuffer next() {
            ByteBuffer data = getData();
            position++;
            return data;
        }

        @Override
        public ByteBuffer getData() {
            return ByteBuffer.wrap(commands.get(position).toByteArray());
        }

        @Override
        public long getIndex() {
            return firstIndex + position;
        }

        @Override
        public long getTerm() {
            return 1;
        }

        @Override
        public Closure done() {
            return null;
        }

        @Override
        public void setAutoCommitPerLog(boolean status) {
        }

        @Override
        public boolean commit() {
            return false;
        }

        @Override
        public void commitAndSnapshotSync(Closure done) {
        }

        @Override
        public void setErrorAndRollback(long ntail, Status status) {
            rolledBack = ntail;
            error = status;
        }
    }
}
