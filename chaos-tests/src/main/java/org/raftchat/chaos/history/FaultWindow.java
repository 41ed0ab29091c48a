package org.raftchat.chaos.history;

import java.util.Objects;

/**
 * The interval during which one nemesis action was in effect.
 *
 * @param nemesis     the nemesis' short name (e.g. "partition-leader"); used as the chart label
 * @param description what exactly was done (e.g. "isolate n2 from n1,n3")
 * @param startNanos  when the fault began, nanoseconds since the start of the run
 * @param endNanos    when it was healed
 */
public record FaultWindow(String nemesis, String description, long startNanos, long endNanos) {

    public FaultWindow {
        Objects.requireNonNull(nemesis, "nemesis");
        description = description == null ? "" : description;
        if (endNanos < startNanos) {
            throw new IllegalArgumentException(
                    "fault '" + nemesis + "' ends before it starts: " + startNanos + " > " + endNanos);
        }
    }

    /** Whether {@code timeNanos} lies within the window, both ends included. */
    public boolean covers(long timeNanos) {
        return timeNanos >= startNanos && timeNanos <= endNanos;
    }
}
