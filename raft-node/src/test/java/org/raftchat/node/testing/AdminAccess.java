package org.raftchat.node.testing;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.raftchat.proto.v1.AdminServiceGrpc;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;

/** The admin token of a test cluster, and admin stubs that send it. */
public final class AdminAccess {

    private AdminAccess() {
    }

    /** Writes a fresh random token to {@code dir/admin.token} and returns the file. */
    public static Path writeTokenFile(Path dir) {
        Path file = dir.resolve("admin.token");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, "test-" + UUID.randomUUID() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public static String readToken(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An admin stub on {@code channel} that sends {@code token} (null: none), with a 30 s deadline. */
    public static AdminServiceBlockingStub stub(Channel channel, String token) {
        AdminServiceBlockingStub stub = AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        if (token == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
