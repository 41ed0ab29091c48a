package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which committed values apply keeps on the heap, and that a kept value follows every committed write. */
class ApplyCacheTest {

    private final List<byte[]> storedReads = new ArrayList<>();

    private Function<byte[], byte[]> stored(byte[] value) {
        return key -> {
            storedReads.add(key);
            return value;
        };
    }

    @Test
    void thePruneTimeIsReadFromTheStateOnceAndThenFollowsItsWrites() {
        ApplyCache cache = new ApplyCache();

        assertThat(cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(Keys.longBytes(1_000)))).isEqualTo(Keys.longBytes(1_000));
        assertThat(cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(Keys.longBytes(1_000)))).isEqualTo(Keys.longBytes(1_000));
        assertThat(storedReads).hasSize(1);

        cache.committed(Keys.IDEMPOTENCY_PRUNED_MS, Keys.longBytes(2_000));
        assertThat(cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(null))).isEqualTo(Keys.longBytes(2_000));
        assertThat(storedReads).hasSize(1);
    }

    @Test
    void anAbsentPruneTimeIsRememberedAsAbsent() {
        ApplyCache cache = new ApplyCache();

        assertThat(cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(null))).isNull();
        assertThat(cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(null))).isNull();
        assertThat(storedReads).hasSize(1);
    }

    @Test
    void otherStateKeysAreReadFromTheStateEveryTime() {
        ApplyCache cache = new ApplyCache();

        cache.get(Keys.APPLIED_INDEX, stored(Keys.longBytes(7)));
        cache.committed(Keys.APPLIED_INDEX, Keys.longBytes(8));
        assertThat(cache.get(Keys.APPLIED_INDEX, stored(Keys.longBytes(8)))).isEqualTo(Keys.longBytes(8));
        assertThat(storedReads).hasSize(2);
    }

    @Test
    void aRestoreForgetsThePruneTime() {
        ApplyCache cache = new ApplyCache();
        cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(Keys.longBytes(1_000)));

        cache.clear();

        assertThat(cache.get(Keys.IDEMPOTENCY_PRUNED_MS, stored(Keys.longBytes(500)))).isEqualTo(Keys.longBytes(500));
        assertThat(storedReads).hasSize(2);
    }
}
