package org.raftchat.bench;

/**
 * One row of a soak (by default one minute of the measured window). -1 marks a figure that is
 * unknown: no sample of that latency in the row, or no node processes to read ({@code --run-dir}).
 *
 * @param row              1, 2, ...
 * @param endS             seconds from the window's start to the row's end
 * @param ackedPerSec      acknowledged posts per second in the row
 * @param commitP99Ms      p99 of post → acknowledged, posts that started in the row
 * @param readP99Ms        p99 of the follower reads
 * @param deliveryP99Ms    p99 of post → subscriber on a follower
 * @param errors           writes and reads that failed for good in the row
 * @param serverCpuUsPerAck server CPU (all nodes) per acknowledged post, microseconds
 * @param rssMb            resident memory of all nodes at the row's end, MiB
 * @param diskMb           bytes under all nodes' data directories at the row's end, MiB
 */
public record SoakRow(int row, double endS, double ackedPerSec, double commitP99Ms, double readP99Ms,
                      double deliveryP99Ms, long errors, double serverCpuUsPerAck, double rssMb, double diskMb) {
}
