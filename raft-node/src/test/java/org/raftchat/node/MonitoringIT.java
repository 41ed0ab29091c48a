package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.raftchat.node.testing.Api.allMessages;
import static org.raftchat.node.testing.Api.createRoom;
import static org.raftchat.node.testing.Api.post;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.node.testing.TestCluster;

/**
 * The monitoring the distribution ships (distribution/src/monitoring: Prometheus scrape config,
 * alert rules and their promtool tests, Grafana dashboard) against live nodes: every metric the
 * rules and the dashboard use exists on a running node's /metrics, and promtool accepts the files.
 */
class MonitoringIT {

    static final Path MONITORING = Path.of("..", "distribution", "src", "monitoring");
    private static final Pattern METRIC = Pattern.compile("\\b(?:raftchat|jvm)_[a-z_]+\\b");

    @TempDir
    Path dataRoot;

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsServedByALiveNode() throws Exception {
        // Goal: a renamed or removed metric breaks this test, not an operator's alert in silence.
        SortedSet<String> used = new TreeSet<>();
        for (String file : List.of("raftchat-alerts.yml", "grafana-dashboard.json")) {
            Matcher m = METRIC.matcher(Files.readString(MONITORING.resolve(file)));
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(used).contains("raftchat_is_leader", "raftchat_leader_changes_total", "raftchat_applied_index",
                "raftchat_proposals_total", "raftchat_disk_bytes", "raftchat_commit_seconds_bucket", "raftchat_build_info");

        try (TestCluster cluster = TestCluster.start(3, dataRoot)) {
            RaftChatNode leader = cluster.awaitLeader();
            leader.metrics().registerJvmMetrics(); // as raftchat-node does, once per process
            var stub = cluster.blockingStub(leader.id());
            createRoom(stub, "lobby");
            post(stub, "lobby", "hello");
            assertThat(allMessages(stub, "lobby")).hasSize(1);

            Set<String> served = sampleNames(scrape(cluster.metricsAddress(leader.id())));
            assertThat(served).as("metrics on %s's /metrics", leader.id()).containsAll(used);
        }
    }

    @Test
    void promtoolAcceptsTheScrapeConfigAndTheRulesAndTheRulesFireAsTested() throws Exception {
        // Goal: the files are valid for Prometheus and each alert fires on the situation it is for
        // (raftchat-alerts.test.yml). Needs promtool (Debian: apt-get install prometheus).
        assumeThat(onPath("promtool")).as("promtool on the PATH").isTrue();
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS");
        assertThat(promtool("check", "rules", "raftchat-alerts.yml")).contains("SUCCESS");
        assertThat(promtool("test", "rules", "raftchat-alerts.test.yml")).contains("SUCCESS");
    }

    private static String scrape(String address) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Sample names of a text exposition: each line's name, before its labels or value. */
    private static Set<String> sampleNames(String exposition) {
        return exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static String promtool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
