package org.raftchat.chaos.checker;

import java.util.Objects;
import org.raftchat.chaos.history.FaultWindow;

/**
 * How available writes were during one fault (or the whole run).
 *
 * @param window                       the fault; for the whole run, a window named
 *                                     {@link Availability#WHOLE_RUN} from 0 to the end
 * @param postsInvoked                 POSTs invoked during the window
 * @param postsOk                      of those, how many completed OK (whenever they completed)
 * @param okShare                      postsOk / postsInvoked; NaN when no POST was invoked
 * @param firstOkWriteAfterStartMillis time from the window's start to the first POST that
 *                                     completed OK at or after it (not bounded by the window's
 *                                     end: "how long until writes worked again"); null if none did
 */
public record FaultStats(
        FaultWindow window, int postsInvoked, int postsOk, double okShare, Long firstOkWriteAfterStartMillis) {

    public FaultStats {
        Objects.requireNonNull(window, "window");
        if (postsOk > postsInvoked || postsOk < 0) {
            throw new IllegalArgumentException("postsOk must be in 0.." + postsInvoked + ": " + postsOk);
        }
    }

    /** Whether these are the statistics of the whole run rather than of one fault. */
    public boolean coversWholeRun() {
        return Availability.WHOLE_RUN.equals(window.nemesis());
    }
}
