package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.raftchat.node.testing.Api.as;
import static org.raftchat.node.testing.Api.code;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.raftchat.node.testing.Api;
import org.raftchat.node.testing.RawCall;
import org.raftchat.node.testing.TestCluster;
import org.raftchat.node.testing.TestSession;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.stub.MetadataUtils;
import org.raftchat.proto.v1.GetUnreadResponse;
import org.raftchat.proto.v1.ChatServiceGrpc;
import org.raftchat.proto.v1.GetUnreadRequest;
import org.raftchat.proto.v1.LimitReached;
import org.raftchat.proto.v1.PostRoomMessageRequest;

/**
 * What a node does with input it must not trust, on a 3-node cluster: bytes that are not the request
 * message, requests over the size limit, and session tokens nobody issued.
 */
class UntrustedInputIT {

    private static final String ROOM = "untrusted";

    @RegisterExtension
    final TestCluster cluster = TestCluster.perTest(3);
    private final CapturedGrpcLog grpcLog = new CapturedGrpcLog();

    @BeforeEach
    void captureGrpcLog() {
        Logger.getLogger("io.grpc").addHandler(grpcLog);
    }

    @AfterEach
    void releaseGrpcLog() {
        Logger.getLogger("io.grpc").removeHandler(grpcLog);
    }

    @Test
    void badBytesAnswerInvalidArgumentAndOversizedRequestsCarryLimitReached() {
        // Goal: a body that is not protobuf, or a string field that is not UTF-8, is refused with
        // INVALID_ARGUMENT and no stack trace in the log; a request over maxInboundGrpcBytes gets
        // RESOURCE_EXHAUSTED with the LimitReached detail (so clients do not retry it); none is stored.
        String leader = cluster.awaitLeader().id();
        Api.createRoom(cluster.blockingStub(leader), ROOM);
        Channel channel = cluster.channel(leader);
        CallOptions asTester = CallOptions.DEFAULT.withCallCredentials(cluster.session())
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        MethodDescriptor<byte[], byte[]> post = RawCall.asBytes(ChatServiceGrpc.getPostRoomMessageMethod());
        grpcLog.records.clear();

        StatusRuntimeException notProtobuf = call(channel, post, asTester, new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02});
        assertThat(notProtobuf.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(notProtobuf.getStatus().getDescription()).contains("PostRoomMessageRequest");

        StatusRuntimeException badUtf8 = call(channel, post, asTester, withInvalidUtf8Text());
        assertThat(badUtf8.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badUtf8.getStatus().getDescription()).containsIgnoringCase("UTF-8");

        // The same on a call that needs no session.
        StatusRuntimeException badRegister = call(channel, RawCall.asBytes(ChatServiceGrpc.getRegisterMethod()),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {0x0a, 0x7f});
        assertThat(badRegister.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        int max = cluster.config().limits().maxInboundGrpcBytes();
        byte[] oversized = PostRoomMessageRequest.newBuilder().setIdempotencyKey("too-big").setRoom(ROOM)
                .setText("x".repeat(max + 1000)).build().toByteArray();
        StatusRuntimeException tooBig = call(channel, post, asTester, oversized);
        assertThat(tooBig.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        com.google.rpc.Status rich = StatusProto.fromThrowable(tooBig);
        assertThat(rich).as("a rich status").isNotNull();
        assertThat(rich.getDetailsList()).anyMatch(d -> d.is(LimitReached.class));

        // Nothing was stored, and the node logged no warning or stack trace for any of it.
        assertThat(Api.allMessages(cluster.blockingStub(leader), ROOM)).isEmpty();
        assertThat(grpcLog.records).as("io.grpc log records at WARNING or above").isEmpty();
    }

    @Test
    void forgedTokensCostNoReadBarrierBeyondTheAddressBudget() throws Exception {
        // Goal: tokens nobody issued do not buy unbounded ReadIndex rounds. A forged token the local state
        // already decides is refused without a barrier; one it cannot decide is charged to the client
        // address's budget before its barrier, so past the budget the answer is RESOURCE_EXHAUSTED, free.
        String follower = cluster.followers().get(0).id();
        // A real login, used at once on a follower: still accepted (a fresh session is never refused).
        String fresh = cluster.session().token();
        assertThat(as(cluster.anonymousStub(follower), fresh).getUnread(GetUnreadRequest.getDefaultInstance())).isNotNull();

        // Sent at once, so they arrive well within one second: far more than the address's budget.
        int calls = 200;
        double barriersBefore = readBarriers(follower);
        List<ListenableFuture<GetUnreadResponse>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String forged = String.format("forged%038d", i); // the shape of a real token, issued by nobody
            answers.add(ChatServiceGrpc.newFutureStub(cluster.channel(follower))
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestSession.bearer(forged)))
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getUnread(GetUnreadRequest.getDefaultInstance()));
        }
        int unauthenticated = 0;
        int exhausted = 0;
        for (ListenableFuture<GetUnreadResponse> answer : answers) {
            Status.Code code = code(catchThrowableOfType(answer::get, java.util.concurrent.ExecutionException.class).getCause());
            if (code == Status.Code.UNAUTHENTICATED) {
                unauthenticated++;
            } else {
                assertThat(code).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                exhausted++;
            }
        }
        double barriers = readBarriers(follower) - barriersBefore;
        assertThat(exhausted).as("forged tokens refused by the address budget").isPositive();
        assertThat(barriers).as("read barriers paid for forged tokens").isLessThanOrEqualTo(unauthenticated);
    }

    /** A PostRoomMessageRequest whose text (field 4) holds bytes that are not UTF-8. */
    private static byte[] withInvalidUtf8Text() {
        byte[] valid = PostRoomMessageRequest.newBuilder().setIdempotencyKey("bad-utf8").setRoom(ROOM).setText("AB")
                .build().toByteArray();
        byte[] text = "AB".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(valid, text);
        byte[] bad = valid.clone();
        bad[at] = (byte) 0xc3; // a lead byte ...
        bad[at + 1] = (byte) 0x28; // ... followed by no continuation byte
        return bad;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static StatusRuntimeException call(Channel channel, MethodDescriptor<byte[], byte[]> method, CallOptions options,
                                               byte[] body) {
        return catchThrowableOfType(() -> ClientCalls.blockingUnaryCall(channel, method, options, body),
                StatusRuntimeException.class);
    }

    private double readBarriers(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + cluster.metricsAddress(id) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        double total = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("raftchat_read_barriers_total{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** grpc-java logs through java.util.logging: what it logged at WARNING or above. */
    private static final class CapturedGrpcLog extends Handler {
        final List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
