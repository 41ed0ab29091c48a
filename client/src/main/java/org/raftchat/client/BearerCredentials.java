package org.raftchat.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * Sends a session token as "authorization: Bearer <token>" on every call. The header is built once:
 * gRPC only reads it into each call's headers, so calls (the benchmark's many at once) share it.
 */
public final class BearerCredentials extends CallCredentials {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Metadata headers = new Metadata();

    public BearerCredentials(String token) {
        headers.put(AUTHORIZATION, "Bearer " + token);
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        applier.apply(headers);
    }
}
