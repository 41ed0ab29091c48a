package org.raftchat.chaos;

import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Random;
import org.raftchat.chaos.checker.Availability;
import org.raftchat.chaos.checker.Checker;
import org.raftchat.chaos.checker.FaultStats;
import org.raftchat.chaos.checker.Recovery;
import org.raftchat.chaos.checker.Verdict;
import org.raftchat.chaos.cluster.DockerCluster;
import org.raftchat.chaos.history.FaultHandle;
import org.raftchat.chaos.history.History;
import org.raftchat.chaos.history.HistoryData;
import org.raftchat.chaos.history.Progress;
import org.raftchat.chaos.nemesis.HealQueue;
import org.raftchat.chaos.nemesis.Nemeses;
import org.raftchat.chaos.nemesis.Nemesis;
import org.raftchat.chaos.nemesis.Schedule;
import org.raftchat.chaos.nemesis.ScheduleClock;
import org.raftchat.chaos.report.Report;
import org.raftchat.chaos.report.RunParams;
import org.raftchat.chaos.workload.Workload;
import org.raftchat.chaos.workload.WorkloadParams;
import org.raftchat.config.ReadMode;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.CreateRoomRequest;
import org.raftchat.proto.v1.ReadHistoryRequest;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jepsen-style run: a containerized cluster, the workload, the seeded fault schedule, then
 * healing, final reads from every node, the checker's verdict and the report.
 */
public final class ChaosRun {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
    private static final String INJECTION_FAILED = "injection FAILED: ";

    /** What a run is: replaying the same parameters replays the same schedule and choices. */
    /** @param readMode the cluster file's raft.readMode: how leaders confirm leadership for linearizable reads */
    public record Params(int nodes, Duration duration, List<String> nemeses, long seed, Path reportDir, String image,
                         WorkloadParams workload, ReadMode readMode) {
    }

    /** @param failedInjections faults the schedule asked for that could not be injected: the run did not test them */
    /** @param stoppedReplicas nodes in Raft's error state at the end: they stopped applying and did not recover */
    public record Result(Verdict verdict, Path report, List<FaultStats> availability, List<String> failedInjections,
                         List<Recovery.NemesisRecovery> recovery, List<String> stoppedReplicas) {
    }

    private static final String WORKLOAD_USER = "chaos";
    private static final String WORKLOAD_PASSWORD = "chaos-workload-password";

    private ChaosRun() {
    }

    public static Result run(Params params) throws Exception {
        Random random = new Random(params.seed());
        List<String> nemeses = Nemeses.expand(params.nemeses());
        Schedule schedule = Schedule.generate(params.seed(), nemeses, params.duration(), random,
                Nemeses.composesRandomly(params.nemeses()));
        schedule.describe().forEach(line -> LOG.info("schedule: {}", line));
        LOG.info("raft.readMode: {}", params.readMode());
        List<String> rooms = rooms(params.workload().rooms());
        List<String> failedInjections = new ArrayList<>();
        List<String> stoppedReplicas = new ArrayList<>();
        History history;
        try (DockerCluster cluster = DockerCluster.start(params.nodes(), params.image(), random, params.readMode())) {
            try {
                createRooms(cluster, rooms);
                // Time 0 of the history, the report and the schedule: the cluster is up and the rooms exist.
                history = new History();
                Workload workload = new Workload(history, cluster.channels(), rooms, params.workload(), new Random(random.nextLong()));
                workload.start();
                Thread progress = startProgress(history);
                runSchedule(cluster, schedule, history, random, failedInjections);
                healEverything(cluster);
                // Let clients see the healed cluster before they stop, so availability after the last fault shows.
                Thread.sleep(5_000);
                workload.stopClients();
                progress.interrupt();
                boolean converged = cluster.awaitConverged(Duration.ofSeconds(90));
                LOG.info("After healing, the replicas {} converged", converged ? "have" : "have NOT");
                Thread.sleep(3_000);
                workload.stopSubscribers();
                stoppedReplicas.addAll(finalReads(cluster, rooms, history));
            } finally {
                cluster.saveLogs(params.reportDir().resolve("nodes"));
            }
        }
        HistoryData data = history.snapshot();
        Verdict verdict = Checker.check(data);
        List<FaultStats> availability = Availability.compute(data);
        RunParams runParams = new RunParams(params.seed(), nodeNames(params.nodes()), params.duration(), nemeses, schedule.describe());
        Path report = Report.write(params.reportDir(), data, verdict, availability, runParams);
        LOG.info("Verdict: {} {} -> {}", verdict.valid() ? "VALID" : "INVALID", verdict.counts(), report);
        List<Recovery.NemesisRecovery> recovery = Recovery.perNemesis(data);
        LOG.info("Recovery time (first acknowledged write invoked after the fault / the heal):\n{}", Recovery.table(recovery));
        failedInjections.forEach(f -> LOG.error("Not tested: {}", f));
        return new Result(verdict, report, availability, List.copyOf(failedInjections), recovery, List.copyOf(stoppedReplicas));
    }

    /** How often the live progress line is printed. */
    private static final long PROGRESS_EVERY_MS = 5_000;

    /** Prints a progress line to the terminal every few seconds until interrupted: t, ops/s, acks/s, faults in effect. */
    private static Thread startProgress(History history) {
        Thread thread = new Thread(() -> {
            Progress last = history.progress();
            try {
                while (true) {
                    Thread.sleep(PROGRESS_EVERY_MS);
                    Progress now = history.progress();
                    System.out.println(now.line(last));
                    last = now;
                }
            } catch (InterruptedException stopped) {
                // the clients stopped
            }
        }, "chaos-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Performs the schedule's injects and heals in time order, one at a time. Each window has its
     * own nemesis instance (its own victim and rules), so overlapping windows heal independently;
     * a heal that needs a leader waits for the windows composed with it ({@link HealQueue}). A step
     * that overruns moves the later ones ({@link ScheduleClock}).
     */
    private static void runSchedule(DockerCluster cluster, Schedule schedule, History history, Random random,
                                    List<String> failedInjections) throws InterruptedException {
        ScheduleClock clock = ScheduleClock.startingNow();
        Map<Integer, Nemesis> active = new HashMap<>();
        Map<Integer, FaultHandle> open = new HashMap<>();
        HealQueue heals = new HealQueue();
        List<Schedule.Event> events = schedule.events();
        for (int i = 0; i < events.size(); i++) {
            Schedule.Event event = events.get(i);
            clock.awaitEvent(event.at());
            Schedule.Step step = event.step();
            if (event.inject()) {
                Nemesis nemesis = Nemeses.byName(step.nemesis());
                String what = inject(nemesis, cluster, random);
                if (what.startsWith(INJECTION_FAILED)) {
                    failedInjections.add(nemesis.name() + " at t=" + step.start().toSeconds() + "s: " + what);
                }
                active.put(step.id(), nemesis);
                heals.injected(step.id());
                open.put(step.id(), history.faultStart(nemesis.name(), what));
                LOG.info("fault #{} {}: {}", step.id(), nemesis.name(), what);
            } else {
                List<Integer> due = heals.due(step.id(), active.get(step.id()).healNeedsLeader());
                if (due.isEmpty()) {
                    LOG.info("heal of #{} {} waits for the faults composed with it: it needs a leader", step.id(), step.nemesis());
                }
                for (int id : due) {
                    Nemesis nemesis = active.remove(id);
                    heal(nemesis, cluster);
                    history.faultEnd(open.remove(id));
                    LOG.info("healed #{} {}", id, nemesis.name());
                }
            }
            if (i + 1 < events.size()) {
                Duration overrun = clock.eventDone(events.get(i + 1).at());
                if (overrun.compareTo(REPORTED_OVERRUN) >= 0) {
                    LOG.info("the {} of #{} {} ended {} ms after the next step was due: the later steps move by that; the schedule runs {} s behind its plan",
                            event.inject() ? "inject" : "heal", step.id(), step.nemesis(), overrun.toMillis(), clock.delay().toSeconds());
                }
            }
        }
    }

    /** Overruns below this (a few container commands late) move the schedule without a log line. */
    private static final Duration REPORTED_OVERRUN = Duration.ofSeconds(1);

    /** A nemesis that cannot inject is recorded as such; the run goes on with the next one. */
    private static String inject(Nemesis nemesis, DockerCluster cluster, Random random) {
        try {
            return nemesis.inject(cluster, random);
        } catch (RuntimeException e) {
            LOG.warn("nemesis {} failed to inject: {}", nemesis.name(), e.toString());
            return INJECTION_FAILED + e.getMessage();
        }
    }

    private static void heal(Nemesis nemesis, DockerCluster cluster) {
        try {
            nemesis.heal(cluster);
        } catch (RuntimeException e) {
            LOG.warn("nemesis {} failed to heal; the final heal will retry: {}", nemesis.name(), e.toString());
        }
    }

    /** Undoes anything a failed heal may have left: network rules, pauses, stopped JVMs, removed members. */
    private static void healEverything(DockerCluster cluster) {
        cluster.healNetwork();
        for (String id : cluster.nodeIds()) {
            if (cluster.isPaused(id)) {
                cluster.unpause(id);
            }
            cluster.resetClock(id);
            cluster.restoreFsync(id);
            if (cluster.stoppedOnCorruptData(id)) {
                // A disk-corrupt heal that could not finish (no leader then): do what it would have done.
                try {
                    LOG.info("final heal: {} stopped on corrupt data; {}", id, cluster.replaceReplica(id));
                } catch (RuntimeException e) {
                    LOG.warn("final heal: replacing {} failed; its reads will be missing: {}", id, e.toString());
                }
            } else if (!cluster.isNodeRunning(id)) {
                cluster.restartNode(id);
            }
        }
        for (String id : cluster.nodeIds()) {
            try {
                cluster.addNode(id);
            } catch (RuntimeException alreadyMember) {
                // Adding a current member is refused; that is the expected case.
            }
        }
    }

    /** Retries while leadership settles: the cluster was just started. */
    private static void logIn(DockerCluster cluster) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                cluster.channels().logIn(cluster.awaitLeader(Duration.ofSeconds(30)), WORKLOAD_USER, WORKLOAD_PASSWORD);
                return;
            } catch (io.grpc.StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("Workload login failed ({}); retrying", e.getStatus());
            }
        }
    }

    /** Logs the workload's user in (every client shares its session), then creates the rooms it owns and posts to. */
    private static void createRooms(DockerCluster cluster, List<String> rooms) {
        logIn(cluster);
        for (String room : rooms) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(30));
            cluster.channels().blocking(leader, 10_000).createRoom(CreateRoomRequest.newBuilder()
                    .setIdempotencyKey("create-" + room).setRoom(room).build());
        }
    }

    /** Reads every room in full from every node, in pages, retrying while a node is still recovering. */
    private static List<String> finalReads(DockerCluster cluster, List<String> rooms, History history) throws InterruptedException {
        List<String> stopped = cluster.stoppedReplicas();
        stopped.forEach(node -> LOG.error("{} is a stopped replica (Raft error state): no final read; see its log", node));
        for (String node : cluster.nodeIds()) {
            if (stopped.contains(node)) {
                continue;
            }
            for (String room : rooms) {
                if (!readAll(cluster, node, room, history)) {
                    // A node that stopped serving (e.g. a replica stopped on a disk error) will not answer
                    // the next room either: do not wait a minute per room. Its missing reads stay visible.
                    LOG.warn("{} answered no final read within 60 s; its other rooms are not read", node);
                    break;
                }
            }
        }
        return stopped;
    }

    /** @return whether the node answered */
    private static boolean readAll(DockerCluster cluster, String node, String room, History history) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                List<String> keys = new ArrayList<>();
                List<Long> seqs = new ArrayList<>();
                List<Long> timestamps = new ArrayList<>();
                long after = 0;
                while (true) {
                    ReadHistoryResponse page = cluster.channels().blocking(node, 10_000).readHistory(ReadHistoryRequest.newBuilder()
                            .setConversation(ConversationRef.newBuilder().setRoom(room)).setAfterSeq(after).setLimit(1000).build());
                    for (ChatMessage m : page.getMessagesList()) {
                        keys.add(m.getText());
                        seqs.add(m.getSeq());
                        timestamps.add(m.getTimestampMs());
                        after = m.getSeq();
                    }
                    if (page.getMessagesCount() == 0 || after >= page.getLastSeq()) {
                        break;
                    }
                }
                history.finalRead(node, room, keys, seqs, timestamps);
                return true;
            } catch (StatusRuntimeException e) {
                LOG.info("final read of {} on {} not yet possible: {}", room, node, e.getStatus());
                Thread.sleep(1_000);
            }
        }
        LOG.warn("no final read of {} on {} within 60 s", room, node);
        return false;
    }

    private static List<String> rooms(int count) {
        List<String> rooms = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            rooms.add("room" + i);
        }
        return rooms;
    }

    private static List<String> nodeNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add("n" + i);
        }
        return names;
    }

}
