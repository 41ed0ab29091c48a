package org.raftchat.client;

import java.util.Objects;
import java.util.UUID;
import org.raftchat.config.Defaults;

/**
 * Names one logical write. Every retry of that write carries the same key, so the cluster stores
 * it at most once even when an earlier attempt's outcome was unknown.
 */
public record IdempotencyKey(String value) {

    public IdempotencyKey {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("idempotency key: must not be blank");
        }
        if (value.length() > Defaults.MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new IllegalArgumentException("idempotency key: at most " + Defaults.MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters, got " + value.length());
        }
    }

    public static IdempotencyKey random() {
        return new IdempotencyKey(UUID.randomUUID().toString());
    }

    public static IdempotencyKey of(String value) {
        return new IdempotencyKey(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
