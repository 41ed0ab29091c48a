package org.raftchat.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.raftchat.chaos.history.Delivery;
import org.raftchat.chaos.history.FinalRead;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.Op;
import org.raftchat.chaos.history.OpFunction;
import org.raftchat.chaos.history.OpPair;
import org.raftchat.chaos.history.SubscriberEvent;

/**
 * Everything recorded about one room, indexed the way the checks need it.
 *
 * @param room       the room
 * @param postsByKey every POST attempt per key (retries with the same key included), in invocation order
 * @param okReads    the READs that completed OK, in invocation order
 * @param replicas   the final reads grouped by content, majority first
 * @param deliveries the room's deliveries in arrival order
 * @param events     the room's subscriber connects and disconnects in record order
 */
record RoomHistory(
        String room,
        Map<String, List<OpPair>> postsByKey,
        List<OpPair> okReads,
        List<ReplicaGroup> replicas,
        List<Delivery> deliveries,
        List<SubscriberEvent> events) {

    /** Splits a history by room, rooms sorted. */
    static List<RoomHistory> split(HistoryData data) {
        Map<String, List<OpPair>> pairs = byRoom(data.pairs(), p -> p.invoke().room());
        Map<String, List<FinalRead>> finals = byRoom(data.finalReads(), FinalRead::room);
        Map<String, List<Delivery>> deliveries = byRoom(data.deliveries(), Delivery::room);
        Map<String, List<SubscriberEvent>> events = byRoom(data.subscriberEvents(), SubscriberEvent::room);
        List<RoomHistory> rooms = new ArrayList<>();
        for (String room : data.rooms()) {
            List<OpPair> roomPairs = pairs.getOrDefault(room, List.of());
            rooms.add(new RoomHistory(room, postsByKey(roomPairs), okReads(roomPairs),
                    ReplicaGroup.of(finals.getOrDefault(room, List.of())),
                    deliveries.getOrDefault(room, List.of()), events.getOrDefault(room, List.of())));
        }
        return rooms;
    }

    /** The majority final read, or empty if no node answered a final read of this room. */
    Optional<ReferenceOrder> reference() {
        return replicas.isEmpty() ? Optional.empty() : Optional.of(new ReferenceOrder(replicas.get(0)));
    }

    /** Every op of every POST attempt of {@code key}: what an anomaly about that key names. */
    List<Op> postOps(String key) {
        List<Op> ops = new ArrayList<>();
        postsByKey.getOrDefault(key, List.of()).forEach(p -> ops.addAll(p.ops()));
        return ops;
    }

    private static Map<String, List<OpPair>> postsByKey(List<OpPair> pairs) {
        Map<String, List<OpPair>> byKey = new LinkedHashMap<>();
        pairs.stream()
                .filter(p -> p.invoke().f() == OpFunction.POST)
                .forEach(p -> byKey.computeIfAbsent(p.invoke().key(), k -> new ArrayList<>()).add(p));
        return byKey;
    }

    private static List<OpPair> okReads(List<OpPair> pairs) {
        return pairs.stream().filter(p -> p.invoke().f() == OpFunction.READ && p.succeeded()).toList();
    }

    private static <T> Map<String, List<T>> byRoom(List<T> values, Function<T, String> room) {
        Map<String, List<T>> byRoom = new TreeMap<>();
        values.forEach(v -> byRoom.computeIfAbsent(room.apply(v), r -> new ArrayList<>()).add(v));
        return byRoom;
    }
}
