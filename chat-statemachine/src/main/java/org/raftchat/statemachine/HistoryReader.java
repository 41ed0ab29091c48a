package org.raftchat.statemachine;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.MessageKind;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Reads a slice of one conversation's messages; the caller supplies read options pinned to a snapshot. */
final class HistoryReader {

    /** A search reads this many messages per forward read while it walks back. */
    private static final int SEARCH_WINDOW = 256;

    private final RocksDB db;
    private final ReadOptions readOptions;
    private final byte[] prefix;
    private final byte[] conversationKey;

    HistoryReader(RocksDB db, ReadOptions readOptions, byte[] conversationKey) {
        this.db = db;
        this.readOptions = readOptions;
        this.conversationKey = conversationKey;
        this.prefix = Keys.messagePrefix(conversationKey);
    }

    /** The highest seq of the conversation, 0 if it has no message. */
    long lastSeq() {
        try {
            byte[] value = db.get(readOptions, Keys.counter(conversationKey));
            return value == null ? 0 : Keys.readLong(value);
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB read failed", e);
        }
    }

    /** Ascending by seq. Seqs are 1..lastSeq without gaps, so a bound outside that range just clamps. */
    List<ChatMessage> read(HistoryQuery query) {
        return read(query, StoredValues::parseMessage);
    }

    /** As {@link #read(HistoryQuery)}, each message as it is stored: its {@code ChatMessage} encoding. */
    List<ByteString> readEncoded(HistoryQuery query) {
        // The iterator hands out a fresh array per value, so wrapping it without a copy is safe.
        return read(query, UnsafeByteOperations::unsafeWrap);
    }

    private <T> List<T> read(HistoryQuery query, Function<byte[], T> decode) {
        // Java 17 has no pattern switch; the interface is sealed, so the final branch is After.
        if (query instanceof HistoryQuery.Latest latest) {
            return newestUpTo(Long.MAX_VALUE, latest.limit(), decode);
        }
        if (query instanceof HistoryQuery.Before before) {
            return before.seq() <= 1 ? List.of() : newestUpTo(before.seq() - 1, before.limit(), decode);
        }
        HistoryQuery.After after = (HistoryQuery.After) query;
        return after.seq() == Long.MAX_VALUE ? List.of() : oldestFrom(Math.max(after.seq(), 0) + 1, after.limit(), decode);
    }

    /**
     * Seqs are dense, so the newest {@code limit} messages up to {@code maxSeq} are one forward range:
     * RocksDB iterates forward far more cheaply than it steps backwards through a memtable.
     */
    private <T> List<T> newestUpTo(long maxSeq, int limit, Function<byte[], T> decode) {
        long last = Math.min(maxSeq, lastSeq());
        if (last < 1) {
            return List.of();
        }
        long first = Math.max(1, last - limit + 1);
        return oldestFrom(first, Math.toIntExact(last - first + 1), decode);
    }

    private <T> List<T> oldestFrom(long minSeq, int limit, Function<byte[], T> decode) {
        List<T> messages = new ArrayList<>();
        try (RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(Keys.message(conversationKey, minSeq)); inConversation(it) && messages.size() < limit; it.next()) {
                messages.add(decode.apply(it.value()));
            }
            checkStatus(it);
        }
        return messages;
    }

    /**
     * Posts with seq below {@code beforeSeq} (0: all) whose text contains {@code phraseLowerCase}
     * ignoring case, newest first: at most {@code limit} of them, scanning at most {@code maxScanned}
     * messages. Deleted posts (tombstones) and edit/delete events never match; an edited post
     * matches by its current text.
     */
    SearchPage search(String phraseLowerCase, long beforeSeq, int limit, int maxScanned) {
        long newest = beforeSeq == 0 ? lastSeq() : Math.min(beforeSeq - 1, lastSeq());
        List<ChatMessage> matches = new ArrayList<>();
        long seq = newest;
        // Seqs are dense, so the scan walks back in forward-read windows (cheaper than stepping backwards).
        while (seq >= 1 && matches.size() < limit && newest - seq < maxScanned) {
            long windowFirst = Math.max(1, Math.max(seq - SEARCH_WINDOW + 1, newest - maxScanned + 1));
            List<ChatMessage> window = oldestFrom(windowFirst, Math.toIntExact(seq - windowFirst + 1), StoredValues::parseMessage);
            for (int i = window.size() - 1; i >= 0 && matches.size() < limit; i--) {
                ChatMessage message = window.get(i);
                seq = message.getSeq() - 1;
                if (matches(message, phraseLowerCase)) {
                    matches.add(message);
                }
            }
            if (window.isEmpty()) {
                seq = windowFirst - 1;
            }
        }
        // seq is the newest message not examined yet: the next page starts above it.
        return new SearchPage(matches, seq <= 0 ? 0 : seq + 1);
    }

    private static boolean matches(ChatMessage message, String phraseLowerCase) {
        return message.getKind() == MessageKind.POST && !message.getDeleted()
                && message.getText().toLowerCase(Locale.ROOT).contains(phraseLowerCase);
    }

    private boolean inConversation(RocksIterator it) {
        return it.isValid() && Keys.startsWith(it.key(), prefix);
    }

    private static void checkStatus(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StateMachineException("RocksDB iteration failed", e);
        }
    }
}
