package org.raftchat.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.cluster.DockerCluster;

/**
 * Lies to nodes about the wall-clock time (libfaketime in the node image; the monotonic clock,
 * which Raft's timeouts and leases use, stays true, as with a bad NTP step):
 * <ul>
 *   <li>{@code clock-skew}: every free node's clock off by its own offset, up to ±30 s</li>
 *   <li>{@code clock-jump}: the leader's clock jumps 1 to 5 minutes forwards or back (healing jumps it back)</li>
 *   <li>{@code clock-strobe}: a random node's clock flips between true and 10 to 60 s off, every second</li>
 * </ul>
 * Composed with a leader kill or pause, the next leader's clock disagrees with its predecessor's:
 * the checker's timestamp check shows whether time in a conversation ever goes backwards.
 */
public final class ClockNemesis implements Nemesis {

    public enum Mode {
        SKEW("clock-skew"), JUMP("clock-jump"), STROBE("clock-strobe");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final Mode mode;
    private final List<String> victims = new ArrayList<>();

    public ClockNemesis(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode.label;
    }

    @Override
    public String inject(DockerCluster cluster, Random random) {
        return switch (mode) {
            case SKEW -> {
                List<String> parts = new ArrayList<>();
                for (String id : cluster.freeNodes()) {
                    String offset = signed(random.nextInt(61) - 30);
                    cluster.setClockOffset(id, offset);
                    victims.add(id);
                    parts.add(id + " " + offset);
                }
                yield "clocks " + String.join(", ", parts);
            }
            case JUMP -> {
                String leader = Nemesis.leaderOrRandom(cluster, random);
                String offset = signed((random.nextBoolean() ? 1 : -1) * (60 + random.nextInt(241)));
                cluster.setClockOffset(leader, offset);
                victims.add(leader);
                yield leader + "'s clock jumps " + offset;
            }
            case STROBE -> {
                String node = Nemesis.randomFree(cluster, random);
                String offset = signed((random.nextBoolean() ? 1 : -1) * (10 + random.nextInt(51)));
                cluster.strobeClock(node, offset, 1);
                victims.add(node);
                yield node + "'s clock strobes between +0 and " + offset + " every second";
            }
        };
    }

    private static String signed(int seconds) {
        return (seconds >= 0 ? "+" : "") + seconds + "s";
    }

    @Override
    public void heal(DockerCluster cluster) {
        for (String id : victims) {
            cluster.resetClock(id);
        }
        victims.clear();
    }
}
