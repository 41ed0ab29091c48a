package org.raftchat.node;

import com.alipay.sofa.jraft.util.NamedThreadFactory;
import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.HashedWheelTimer;
import com.alipay.sofa.jraft.util.timer.Timer;
import java.util.concurrent.TimeUnit;

/**
 * SOFAJRaft's timers (election, vote, step-down, snapshot) with a 10 ms tick instead of 1 ms.
 *
 * <p>Each timer is a thread that wakes every tick whether or not anything is due: four timers at
 * 1 ms are 4,000 wake-ups a second per node, a steady few percent of a core that three nodes on two
 * cores take from the write path. Raft's timeouts are hundreds of milliseconds (heartbeats every
 * election timeout / 10), so 10 ms is far below what they can resolve. Found by SOFAJRaft's service
 * loader (META-INF/services), where a higher priority wins over the default factory.
 */
@SPI(priority = 1)
public final class CoarseTimerFactory extends DefaultRaftTimerFactory {

    static final long TICK_MS = 10;
    private static final int TICKS_PER_WHEEL = 512;

    @Override
    public Timer createTimer(String name) {
        return new HashedWheelTimer(new NamedThreadFactory(name, true), TICK_MS, TimeUnit.MILLISECONDS, TICKS_PER_WHEEL);
    }
}
