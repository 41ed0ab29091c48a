package org.raftchat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The soak's rows: what each holds, when they close, and the CSV and table they become. */
class SoakRecorderTest {

    private static final long SEC = TimeUnit.SECONDS.toNanos(1);
    private static final long MIB = 1 << 20;

    /** Server samples handed out in order, one per row boundary. */
    private final Deque<ServerSample> samples = new ArrayDeque<>();

    private static Histogram micros(long... values) {
        Histogram h = new Histogram(LatencyMetric.HIGHEST_MICROS, LatencyMetric.SIGNIFICANT_DIGITS);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    private SoakRecorder recorder(Duration row, long windowEndNanos) {
        return new SoakRecorder(row, windowEndNanos, samples::removeFirst);
    }

    @Test
    void eachRowHoldsItsOwnPercentilesRateCpuMemoryAndDisk() {
        // Goal: a row's p99 comes from the intervals added since the last row only; rate, errors and CPU
        // per ack come from the differences over the row; memory and disk are the row end's sample.
        samples.add(new ServerSample(0, 1_000_000, 100 * MIB, 10 * MIB));
        samples.add(new ServerSample(60 * SEC, 1_000_000 + 6_000_000, 300 * MIB, 20 * MIB));
        samples.add(new ServerSample(120 * SEC, 7_000_000 + 12_000_000, 310 * MIB, 25 * MIB));
        SoakRecorder soak = recorder(Duration.ofMinutes(1), 120 * SEC);
        soak.begin(0, 0, 0);

        soak.add(BenchResult.COMMIT, micros(1_000, 2_000, 50_000));
        soak.add(BenchResult.FOLLOWER_READ, micros(3_000));
        soak.tick(30 * SEC, 30_000, 0);          // half a row: nothing closes
        soak.add(BenchResult.COMMIT, micros(4_000));
        soak.tick(60 * SEC, 60_000, 2);
        soak.add(BenchResult.COMMIT, micros(5_000));
        soak.tick(90 * SEC, 90_000, 2);
        soak.finish(120_000, 5);                 // the last row ends at the window's end

        List<SoakRow> rows = soak.rows();
        assertThat(rows).hasSize(2);
        SoakRow first = rows.get(0);
        assertThat(first.row()).isEqualTo(1);
        assertThat(first.endS()).isEqualTo(60.0);
        assertThat(first.ackedPerSec()).isEqualTo(1_000.0);
        assertThat(first.commitP99Ms()).isEqualTo(50.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(first.readP99Ms()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(first.deliveryP99Ms()).isEqualTo(-1);  // no subscriber sample in the row
        assertThat(first.errors()).isEqualTo(2);
        assertThat(first.serverCpuUsPerAck()).isEqualTo(100.0);  // 6 s of CPU over 60,000 acks
        assertThat(first.rssMb()).isEqualTo(300.0);
        assertThat(first.diskMb()).isEqualTo(20.0);

        SoakRow second = rows.get(1);
        assertThat(second.endS()).isEqualTo(120.0);
        assertThat(second.commitP99Ms()).isEqualTo(5.0, org.assertj.core.data.Offset.offset(0.01));  // not row 1's 50 ms
        assertThat(second.readP99Ms()).isEqualTo(-1);
        assertThat(second.errors()).isEqualTo(3);
        assertThat(second.serverCpuUsPerAck()).isEqualTo(200.0);
        assertThat(second.rssMb()).isEqualTo(310.0);
    }

    @Test
    void aRowDueAfterTheWindowIsLeftToFinishWhichStopsAtTheWindowsEnd() {
        // Goal: the tick that comes just after the window ends does not close a row early; finish closes it at
        // the window's end, with the latencies of writes that were still draining, and rates over the window only.
        samples.add(ServerSample.NONE);
        samples.add(ServerSample.NONE);
        SoakRecorder soak = recorder(Duration.ofSeconds(10), 10 * SEC);
        soak.begin(0, 0, 0);

        soak.add(BenchResult.COMMIT, micros(1_000));
        soak.tick(10 * SEC + 1_000, 500, 0);
        soak.add(BenchResult.COMMIT, micros(9_000));   // drained after the window
        soak.finish(500, 0);

        assertThat(soak.rows()).singleElement().satisfies(row -> {
            assertThat(row.endS()).isEqualTo(10.0);
            assertThat(row.ackedPerSec()).isEqualTo(50.0);
            assertThat(row.commitP99Ms()).isEqualTo(9.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(row.serverCpuUsPerAck()).isEqualTo(-1);  // no node processes known
            assertThat(row.rssMb()).isEqualTo(-1);
        });
    }

    @Test
    void rowsKeepToTheGridWhenTheTickComesLate() {
        // Goal: a tick 0.9 s late closes the row at its nominal end (10 s, 20 s), so rows stay comparable.
        for (int i = 0; i < 3; i++) {
            samples.add(ServerSample.NONE);
        }
        SoakRecorder soak = recorder(Duration.ofSeconds(10), 30 * SEC);
        soak.begin(5 * SEC, 100, 0);    // the window starts 5 s into the run

        soak.tick(15 * SEC - 1, 1_100, 0);  // just before the first row's end: stays open
        soak.tick(15 * SEC + 900_000_000L, 1_190, 0);
        soak.tick(25 * SEC + 1, 2_190, 0);

        assertThat(soak.rows()).extracting(SoakRow::endS).containsExactly(10.0, 20.0);
        assertThat(soak.rows()).extracting(SoakRow::ackedPerSec).containsExactly(109.0, 100.0);
    }

    @Test
    void csvHasOneLinePerRowAndLeavesUnknownsEmpty() {
        // Goal: soak.csv can be plotted as is: a header, one line per row, unknown figures as empty cells.
        List<SoakRow> rows = List.of(new SoakRow(1, 60, 1000, 8.5, 2.25, -1, 0, 120, 900, 12.5),
                new SoakRow(2, 120, 999.5, 9, -1, 14, 3, -1, -1, -1));

        String csv = SoakTable.csv(rows);

        assertThat(csv.split("\n")).containsExactly(
                "row,end_s,acked_per_s,commit_p99_ms,read_p99_ms,delivery_p99_ms,errors,server_cpu_us_per_ack,rss_mb,disk_mb",
                "1,60.00,1000.00,8.50,2.25,,0,120.00,900.00,12.50",
                "2,120.00,999.50,9.00,,14.00,3,,,");
        assertThat(SoakTable.render(rows)).contains("commit p99", "RSS MiB", "900.00").contains(" - ");
    }

    @Test
    void theProcFilesAreParsedAsLinuxWritesThem() {
        // Goal: utime + stime (fields 14, 15) in ticks of 10 ms, even when the command name holds spaces and ')'.
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 40 0 123 456 789";
        assertThat(ProcStats.cpuMicrosOfStat(stat)).isEqualTo(300 * 10_000L);
        assertThat(ProcStats.cpuMicrosOfStat("garbage")).isEqualTo(-1);
        assertThat(ProcStats.rssBytesOfStatus("Name:\tjava\nVmHWM:\t  900 kB\nVmRSS:\t  512 kB\n")).isEqualTo(512 * 1024L);
        assertThat(ProcStats.rssBytesOfStatus("Name:\tjava\n")).isEqualTo(-1);
    }

    @Test
    void thisProcessCanBeMeasured() {
        // Goal: on Linux, the sampler reads a live process (this JVM), and a dead pid is unknown, not an error.
        long self = ProcessHandle.current().pid();
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc", Long.toString(self))));

        assertThat(ProcStats.cpuMicros(self)).isPositive();
        assertThat(ProcStats.rssBytes(self)).isGreaterThan(MIB);
        assertThat(ProcStats.cpuMicros(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
