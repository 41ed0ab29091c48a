package org.raftchat.bench;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ChatClientException.Category;
import org.raftchat.client.IdempotencyKey;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryRequest;

/** Gets the bench rooms ready before the load starts. */
final class RoomSetup {

    private static final int LAST_SEQ_ATTEMPTS = 10;
    private static final Duration LAST_SEQ_PAUSE = Duration.ofMillis(200);

    private RoomSetup() {
    }

    /**
     * Creates each room unless it exists. The key is fixed per room, so the first run creates it
     * and later runs get the stored answer; a room someone else created (ALREADY_EXISTS) is fine too.
     */
    static void ensureRooms(ChatClient client, List<String> rooms) {
        for (String room : rooms) {
            try {
                client.createRoom(IdempotencyKey.of("bench-room-" + room), room, "raftchat bench load");
            } catch (ChatClientException e) {
                if (e.category() != Category.ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * The room's last seq as {@code address} sees it (a linearizable read there), so a subscription
     * from it gets only new messages. Retries briefly: a node may not serve reads right after an election.
     */
    static long lastSeq(BenchChannels channels, String address, String room, Duration callDeadline) throws InterruptedException {
        ReadHistoryRequest request = ReadHistoryRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setRoom(room)).setLimit(1).build();
        StatusRuntimeException last = null;
        for (int attempt = 1; attempt <= LAST_SEQ_ATTEMPTS; attempt++) {
            try {
                return channels.blocking(address, callDeadline).readHistory(request).getLastSeq();
            } catch (StatusRuntimeException e) {
                last = e;
                Thread.sleep(LAST_SEQ_PAUSE.toMillis());
            }
        }
        throw new ChatClientException(Category.UNAVAILABLE, "cannot read #" + room + " on " + address
                + " to subscribe there: " + Failures.describe(last), last);
    }
}
