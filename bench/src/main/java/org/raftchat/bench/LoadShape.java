package org.raftchat.bench;

import java.util.Locale;

/** The two load shapes of {@code raftchat bench}. */
public enum LoadShape {

    /**
     * Sends at fixed intervals whatever the cluster does; each latency counts from the send's
     * intended start, so a stall shows in every operation it delayed (no coordinated omission).
     */
    OPEN("open"),
    /** Keeps exactly K writes outstanding: the next starts when one completes. Finds the maximum throughput. */
    CLOSED("closed");

    private final String label;

    LoadShape(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static LoadShape parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (LoadShape shape : values()) {
            if (shape.label.equals(wanted)) {
                return shape;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a load shape: use open or closed");
    }
}
