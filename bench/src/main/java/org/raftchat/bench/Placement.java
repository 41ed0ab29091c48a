package org.raftchat.bench;

import java.util.ArrayList;
import java.util.List;

/** Where one subscriber or reader works: a node's API address and a room. */
record Placement(String address, String room) {

    /**
     * {@code count} placements spread over the nodes and rooms given: number i on node
     * {@code i mod nodes} and room {@code i mod rooms}, so two subscribers on three rooms use two
     * rooms and, with two followers, both followers.
     */
    static List<Placement> spread(int count, List<String> nodes, List<String> rooms) {
        if (count > 0 && (nodes.isEmpty() || rooms.isEmpty())) {
            throw new IllegalArgumentException("placements need at least one node and one room");
        }
        List<Placement> placements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            placements.add(new Placement(nodes.get(i % nodes.size()), rooms.get(i % rooms.size())));
        }
        return placements;
    }
}
