package org.raftchat.chaos.workload;

/** Sleeps that give up quietly when the workload is being stopped. */
final class Pause {

    private Pause() {
    }

    static void millis(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
