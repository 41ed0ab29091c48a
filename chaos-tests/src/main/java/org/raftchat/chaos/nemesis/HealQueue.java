package org.raftchat.chaos.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which fault windows to heal when a heal is due. A heal that needs a leader (replacing a replica
 * stopped on corrupt data, adding a removed member back) waits while another window composed with it
 * is still in effect, and runs right after that window heals: a partition or a second lost node can
 * keep every leader away until it heals, and a heal that waits for one would hold the whole schedule
 * (a 30-minute run's replacement waited 2 minutes inside a majority partition that could only heal
 * after it, while the next disk faults took more nodes). Windows are numbered by their schedule ids.
 */
public final class HealQueue {

    private final Set<Integer> inEffect = new LinkedHashSet<>();
    private final List<Integer> waiting = new ArrayList<>();

    public void injected(int window) {
        inEffect.add(window);
    }

    /**
     * The schedule says {@code window} ends now.
     *
     * @return the windows to heal now, in order (none while it waits for the others)
     */
    public List<Integer> due(int window, boolean healNeedsLeader) {
        if (!inEffect.contains(window)) {
            throw new IllegalArgumentException("window #" + window + " is not in effect");
        }
        if (healNeedsLeader && inEffect.size() - waiting.size() > 1) {
            waiting.add(window);
            return List.of();
        }
        inEffect.remove(window);
        List<Integer> now = new ArrayList<>(List.of(window));
        if (!waiting.isEmpty() && inEffect.size() == waiting.size()) {
            now.addAll(waiting);
            inEffect.removeAll(waiting);
            waiting.clear();
        }
        return now;
    }

    /** Windows whose heal waits for another window. */
    public List<Integer> waiting() {
        return List.copyOf(waiting);
    }
}
