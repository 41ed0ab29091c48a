package org.raftchat.bench;

import java.util.Map;
import java.util.Objects;

/**
 * The counts of a run. Writes, reads and their outcomes count operations whose intended start lies
 * in the measured window; {@code failuresByKind} counts every failed attempt of the whole run
 * (warm-up and retried attempts included) by gRPC code, with one example message per kind.
 *
 * @param writes              writes started
 * @param acked               writes acknowledged (committed on a majority, applied on the leader)
 * @param errors              writes that failed for good (not retryable, or out of retry budget)
 * @param retries             resends with the same idempotency key after UNAVAILABLE or RESOURCE_EXHAUSTED
 * @param redirects           resends to another node after FAILED_PRECONDITION (not the leader)
 * @param deliveries          messages received by the subscribers
 * @param reads               follower reads answered
 * @param readErrors          follower reads that failed
 * @param subscriptionErrors  subscription streams that broke and were reopened
 * @param sendLagMaxMs        the latest a write left the client after its intended start; more than a
 *                            few ms means the client itself (or the CPU it shares with the nodes) fell
 *                            behind, which the latencies include, as they count from the intended start
 */
public record Counts(long writes, long acked, long errors, long retries, long redirects, long deliveries, long reads,
                     long readErrors, long subscriptionErrors, double sendLagMaxMs, Map<String, Long> failuresByKind,
                     Map<String, String> failureExamples) {

    public Counts {
        failuresByKind = Map.copyOf(Objects.requireNonNull(failuresByKind, "failuresByKind"));
        failureExamples = Map.copyOf(Objects.requireNonNull(failureExamples, "failureExamples"));
    }
}
