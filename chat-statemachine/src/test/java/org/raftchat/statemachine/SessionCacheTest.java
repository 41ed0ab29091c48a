package org.raftchat.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.StoredSession;

class SessionCacheTest {

    private final SessionCache cache = new SessionCache();
    private final StoredSession bob = StoredSession.newBuilder().setUsername("bob").setDeviceId("phone").build();

    private static byte[] digest(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEntryServesOnlyTheVersionItWasReadAt() {
        long version = cache.version();
        cache.put(digest("t1"), bob, version);
        assertThat(cache.get(digest("t1"), version)).isEqualTo(bob);

        cache.invalidate();

        assertThat(cache.version()).isNotEqualTo(version);
        assertThat(cache.get(digest("t1"), cache.version())).isNull();
    }

    @Test
    void anEntryReadBeforeAnInvalidationButStoredAfterItIsNeverServed() {
        // A lookup read the version, then a batch landed, then the lookup stored what it had read.
        long readAt = cache.version();
        cache.invalidate();
        cache.put(digest("t1"), bob, readAt);

        assertThat(cache.get(digest("t1"), cache.version())).isNull();
    }

    @Test
    void theKeyIsTheDigestsContentAndACallersArrayChangingLaterDoesNotMatter() {
        byte[] presented = digest("t1");
        cache.put(presented, bob, cache.version());
        presented[0] = 'x';

        assertThat(cache.get(digest("t1"), cache.version())).isEqualTo(bob);
        assertThat(cache.get(digest("x1"), cache.version())).isNull();
    }

    @Test
    void aFullCacheStartsOver() {
        long version = cache.version();
        for (int i = 0; i < SessionCache.MAX_ENTRIES; i++) {
            cache.put(digest("t" + i), bob, version);
        }
        assertThat(cache.get(digest("t0"), version)).isEqualTo(bob);

        cache.put(digest("one more"), bob, version);

        assertThat(cache.get(digest("t0"), version)).isNull();
        assertThat(cache.get(digest("one more"), version)).isEqualTo(bob);
    }
}
