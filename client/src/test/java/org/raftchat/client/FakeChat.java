package org.raftchat.client;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;

/**
 * The "replicated state" the fake nodes of one test share: rooms, messages and the answers given
 * per idempotency key, so a retried write is stored once, as the real cluster promises.
 */
public final class FakeChat {

    /** 2024-01-01T12:00:00Z; message n is stamped n seconds later. */
    public static final long EPOCH_MS = 1_704_110_400_000L;

    private final Set<String> rooms = new HashSet<>();
    private final Map<String, List<ChatMessage>> messages = new HashMap<>();
    private final Map<String, Object> answersByKey = new HashMap<>();
    private final List<Live> live = new ArrayList<>();
    private long logIndex;

    private record Live(String conversation, ServerCallStreamObserver<ChatMessage> out) { }

    public static String key(ConversationRef ref) {
        return ConversationRefs.describe(ref.getKindCase() == ConversationRef.KindCase.DIRECT
                ? ConversationRefs.direct(
                        min(ref.getDirect().getUserA(), ref.getDirect().getUserB()),
                        max(ref.getDirect().getUserA(), ref.getDirect().getUserB()))
                : ref);
    }

    public synchronized void createRoom(String room) {
        rooms.add(room);
        logIndex++;
    }

    public synchronized boolean roomExists(String room) {
        return rooms.contains(room);
    }

    public synchronized Object answerFor(String idempotencyKey) {
        return answersByKey.get(idempotencyKey);
    }

    public synchronized void remember(String idempotencyKey, Object answer) {
        answersByKey.put(idempotencyKey, answer);
    }

    /** Appends and pushes to live subscribers of the conversation. */
    public synchronized ChatMessage append(ConversationRef ref, String author, String text) {
        List<ChatMessage> list = messages.computeIfAbsent(key(ref), k -> new ArrayList<>());
        long seq = list.size() + 1;
        ChatMessage m = ChatMessage.newBuilder().setConversation(ref).setSeq(seq).setAuthor(author).setText(text)
                .setTimestampMs(EPOCH_MS + seq * 1000).setLogIndex(++logIndex).build();
        list.add(m);
        for (Live l : List.copyOf(live)) {
            if (l.conversation().equals(key(ref)) && !l.out().isCancelled()) {
                l.out().onNext(m);
            }
        }
        return m;
    }

    public synchronized List<ChatMessage> all(ConversationRef ref) {
        return List.copyOf(messages.getOrDefault(key(ref), List.of()));
    }

    public synchronized ReadHistoryResponse read(ReadHistoryRequest r) {
        List<ChatMessage> all = all(r.getConversation());
        int limit = r.getLimit() == 0 ? 50 : r.getLimit();
        List<ChatMessage> page = switch (r.getAnchorCase()) {
            case BEFORE_SEQ -> newest(all.stream().filter(m -> m.getSeq() < r.getBeforeSeq()).toList(), limit);
            case AFTER_SEQ -> all.stream().filter(m -> m.getSeq() > r.getAfterSeq()).limit(limit).toList();
            case ANCHOR_NOT_SET -> newest(all, limit);
        };
        return ReadHistoryResponse.newBuilder().addAllMessages(page).setLastSeq(all.size()).build();
    }

    /** Registers a live subscriber atomically with the backfill it was just sent. */
    public synchronized void follow(ConversationRef ref, ServerCallStreamObserver<ChatMessage> out) {
        Live l = new Live(key(ref), out);
        live.add(l);
        out.setOnCancelHandler(() -> {
            synchronized (FakeChat.this) {
                live.remove(l);
            }
        });
    }

    public synchronized void endLiveStreams(Status status) {
        for (Live l : List.copyOf(live)) {
            l.out().onError(status.asRuntimeException());
        }
        live.clear();
    }

    // ---- the rest of the API, enough for the CLI's output tests ----

    private final Map<String, Long> readSeqs = new HashMap<>();

    public synchronized List<String> rooms() {
        return rooms.stream().sorted().toList();
    }

    /** Appends an EDIT or DELETE event about message {@code refersTo}, and marks that message. */
    public synchronized ChatMessage appendEvent(ConversationRef ref, String author, org.raftchat.proto.v1.MessageKind kind,
                                         long refersTo, String text) {
        List<ChatMessage> list = messages.computeIfAbsent(key(ref), k -> new ArrayList<>());
        ChatMessage original = list.get((int) refersTo - 1);
        list.set((int) refersTo - 1, kind == org.raftchat.proto.v1.MessageKind.EDIT
                ? original.toBuilder().setText(text).setEdited(true).build()
                : original.toBuilder().setText("").setDeleted(true).build());
        long seq = list.size() + 1;
        ChatMessage m = ChatMessage.newBuilder().setConversation(ref).setSeq(seq).setAuthor(author).setText(text)
                .setKind(kind).setRefersToSeq(refersTo).setTimestampMs(EPOCH_MS + seq * 1000).setLogIndex(++logIndex).build();
        list.add(m);
        return m;
    }

    /** Every conversation with messages, with the reader's position (one reader: the fake keeps one position each). */
    public synchronized List<org.raftchat.proto.v1.UnreadCount> unread() {
        List<org.raftchat.proto.v1.UnreadCount> counts = new ArrayList<>();
        messages.keySet().stream().sorted().forEach(k -> {
            List<ChatMessage> list = messages.get(k);
            long last = list.size();
            long read = readSeqs.getOrDefault(k, 0L);
            counts.add(org.raftchat.proto.v1.UnreadCount.newBuilder().setConversation(list.get(0).getConversation())
                    .setReadSeq(read).setLastSeq(last).setUnread(last - read).build());
        });
        return counts;
    }

    public synchronized long markRead(ConversationRef ref, long seq) {
        return readSeqs.merge(key(ref), seq, Math::max);
    }

    private static List<ChatMessage> newest(List<ChatMessage> list, int limit) {
        return list.subList(Math.max(0, list.size() - limit), list.size());
    }

    private static String min(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String max(String a, String b) {
        return a.compareTo(b) <= 0 ? b : a;
    }
}
