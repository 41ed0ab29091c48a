package org.raftchat.node;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.raftchat.config.TlsConfig;

/** The credentials of a node's gRPC server: TLS when the cluster file has a tls section, else plaintext. */
final class ServerTls {

    private ServerTls() {
    }

    static ServerCredentials credentials(Optional<TlsConfig> tls, String nodeId) throws IOException {
        if (tls.isEmpty()) {
            return InsecureServerCredentials.create();
        }
        TlsConfig t = tls.get();
        TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
                .keyManager(readable(t.certChainOf(nodeId), "tls.certChain").toFile(),
                        readable(t.privateKeyOf(nodeId), "tls.privateKey").toFile());
        if (t.clientCa().isPresent()) {
            builder.trustManager(readable(t.clientCa().get(), "tls.clientCa").toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return builder.build();
    }

    /** Fails with the field and path, instead of a TLS library's generic message later. */
    private static Path readable(Path file, String field) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(field + ": cannot read " + file);
        }
        return file;
    }
}
