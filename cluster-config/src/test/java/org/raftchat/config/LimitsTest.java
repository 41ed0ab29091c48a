package org.raftchat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsTest {

    /** Every field a different value, so a with-method that copies one field into another shows. */
    private static final Limits DISTINCT = new Limits(5000, 31, 129, 900, 45, 70_000, 1001, 2001, 51, 501,
            21, 257, 30_001, 86_400_001, LoginThrottling.defaults(), 11, 13, 17);

    @Test
    void eachWithMethodChangesOnlyItsOwnFields() {
        // Goal: a with-method is the same limits but for the fields it names; the others are kept as they were.
        assertThat(DISTINCT.withMaxRequestsPerSecondPerSession(7)).isEqualTo(new Limits(5000, 31, 129, 900, 45, 70_000, 1001,
                2001, 51, 501, 7, 257, 30_001, 86_400_001, LoginThrottling.defaults(), 11, 13, 17));
        assertThat(DISTINCT.withPresenceTimeoutMs(7)).isEqualTo(new Limits(5000, 31, 129, 900, 45, 70_000, 1001,
                2001, 51, 501, 21, 257, 7, 86_400_001, LoginThrottling.defaults(), 11, 13, 17));
        assertThat(DISTINCT.withIdempotencyWindowMs(7)).isEqualTo(new Limits(5000, 31, 129, 900, 45, 70_000, 1001,
                2001, 51, 501, 21, 257, 30_001, 7, LoginThrottling.defaults(), 11, 13, 17));
        LoginThrottling throttling = new LoginThrottling(2, 3, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), 4);
        assertThat(DISTINCT.withLoginThrottling(throttling)).isEqualTo(new Limits(5000, 31, 129, 900, 45, 70_000, 1001,
                2001, 51, 501, 21, 257, 30_001, 86_400_001, throttling, 11, 13, 17));
        assertThat(DISTINCT.withSubscriptionsPerSessionAndUser(3, 4)).isEqualTo(new Limits(5000, 31, 129, 900, 45, 70_000, 1001,
                2001, 51, 501, 21, 257, 30_001, 86_400_001, LoginThrottling.defaults(), 3, 4, 17));
        assertThat(DISTINCT.withMaxUnauthenticatedCallsPerSecondPerAddress(7)).isEqualTo(new Limits(5000, 31, 129, 900, 45,
                70_000, 1001, 2001, 51, 501, 21, 257, 30_001, 86_400_001, LoginThrottling.defaults(), 11, 13, 7));
    }

    @Test
    void aWithMethodChecksTheResultLikeTheConstructor() {
        // Goal: a copy cannot get past the checks a new Limits gets.
        assertThatThrownBy(() -> DISTINCT.withPresenceTimeoutMs(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limits.presenceTimeoutMs");
        assertThatThrownBy(() -> DISTINCT.withSubscriptionsPerSessionAndUser(5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSubscriptionsPerSession");
    }
}
