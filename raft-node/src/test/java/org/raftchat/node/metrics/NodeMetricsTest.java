package org.raftchat.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.statemachine.StoreMemory;

class NodeMetricsTest {

    final NodeMetrics metrics = new NodeMetrics();

    @Test
    void proposalsArePendingUntilTheyFinishAndOnlyCommittedOnesAreTimed() throws IOException {
        // Goal: the pending gauge follows proposals in flight; failures are counted but not timed.
        long first = metrics.proposalStarted();
        long second = metrics.proposalStarted();
        assertThat(scrape().get("raftchat_pending_proposals")).isEqualTo(2);

        metrics.proposalFinished(first - TimeUnit.MILLISECONDS.toNanos(3), true);
        metrics.proposalFinished(second, false);

        Map<String, Double> m = scrape();
        assertThat(m.get("raftchat_pending_proposals")).isEqualTo(0);
        assertThat(m.get("raftchat_proposals_total{outcome=\"committed\"}")).isEqualTo(1);
        assertThat(m.get("raftchat_proposals_total{outcome=\"failed\"}")).isEqualTo(1);
        assertThat(m.get("raftchat_commit_seconds_count")).isEqualTo(1);
        assertThat(m.get("raftchat_commit_seconds_sum")).isGreaterThanOrEqualTo(0.003);
        assertThat(m.get("raftchat_commit_seconds_bucket{le=\"0.0016\"}")).isEqualTo(0);
        assertThat(m.get("raftchat_commit_seconds_bucket{le=\"+Inf\"}")).isEqualTo(1);
    }

    @Test
    void buildInfoNamesTheVersionAndCommit() throws IOException {
        // Goal: dashboards and alerts can tell which build each node runs (a rolling upgrade half done).
        NodeMetrics built = new NodeMetrics(new org.raftchat.config.BuildInfo("1.2.3", "0123456789ab"));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(text, built.registry().scrape());
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("raftchat_build_info{commit=\"0123456789ab\",version=\"1.2.3\"} 1");
    }

    @Test
    void appliedBatchesCountEntriesAndTimeBatches() throws IOException {
        metrics.batchApplied(32, TimeUnit.MICROSECONDS.toNanos(500));
        metrics.batchApplied(8, TimeUnit.MICROSECONDS.toNanos(150));

        Map<String, Double> m = scrape();
        assertThat(m.get("raftchat_applied_entries_total")).isEqualTo(40);
        assertThat(m.get("raftchat_apply_batch_seconds_count")).isEqualTo(2);
        assertThat(m.get("raftchat_apply_batch_seconds_bucket{le=\"2.0E-4\"}")).isEqualTo(1);
    }

    @Test
    void grpcCallsAreCountedByMethodAndCode() throws IOException {
        metrics.grpcCallFinished("raftchat.v1.ChatService/ReadHistory", Status.Code.OK, true, System.nanoTime());
        metrics.grpcCallFinished("raftchat.v1.ChatService/ReadHistory", Status.Code.UNAVAILABLE, true, System.nanoTime());
        metrics.grpcCallFinished("raftchat.v1.ChatService/Subscribe", Status.Code.CANCELLED, false, System.nanoTime());

        Map<String, Double> m = scrape();
        assertThat(m.get("raftchat_grpc_requests_total{code=\"OK\",method=\"raftchat.v1.ChatService/ReadHistory\"}")).isEqualTo(1);
        assertThat(m.get("raftchat_grpc_requests_total{code=\"UNAVAILABLE\",method=\"raftchat.v1.ChatService/ReadHistory\"}")).isEqualTo(1);
        assertThat(m.get("raftchat_grpc_requests_total{code=\"CANCELLED\",method=\"raftchat.v1.ChatService/Subscribe\"}")).isEqualTo(1);
        assertThat(m.get("raftchat_grpc_unary_seconds_count{method=\"raftchat.v1.ChatService/ReadHistory\"}")).isEqualTo(2);
        assertThat(m).doesNotContainKey("raftchat_grpc_unary_seconds_count{method=\"raftchat.v1.ChatService/Subscribe\"}");
    }

    @Test
    void diskUsageSumsEveryFileUnderEachDirectory(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("state/sub"));
        Files.write(dir.resolve("state/a.sst"), new byte[1000]);
        Files.write(dir.resolve("state/sub/b.sst"), new byte[24]);
        metrics.registerDiskUsage(Map.of("state", dir.resolve("state"), "raft_log", dir.resolve("missing")));

        Map<String, Double> m = scrape();
        assertThat(m.get("raftchat_disk_bytes{store=\"state\"}")).isEqualTo(1024);
        assertThat(m.get("raftchat_disk_bytes{store=\"raft_log\"}")).isEqualTo(0);
    }

    @Test
    void stateMemoryIsReadAtEachScrape() throws IOException {
        long[] memtableBytes = {1_000};
        metrics.registerStateMemory(() -> new StoreMemory(memtableBytes[0], 200, 30));

        assertThat(scrape().get("raftchat_rocksdb_memory_bytes{kind=\"memtables\",store=\"state\"}")).isEqualTo(1_000);
        memtableBytes[0] = 5_000;
        Map<String, Double> m = scrape();
        assertThat(m.get("raftchat_rocksdb_memory_bytes{kind=\"memtables\",store=\"state\"}")).isEqualTo(5_000);
        assertThat(m.get("raftchat_rocksdb_memory_bytes{kind=\"table_readers\",store=\"state\"}")).isEqualTo(200);
        assertThat(m.get("raftchat_rocksdb_memory_bytes{kind=\"block_cache\",store=\"state\"}")).isEqualTo(30);
    }

    private Map<String, Double> scrape() {
        return MetricSamples.scrape(metrics);
    }
}
