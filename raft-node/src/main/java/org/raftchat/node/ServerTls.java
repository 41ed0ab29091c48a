package org.raftchat.node;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.raftchat.config.TlsConfig;

/** A node's gRPC credentials, as server and as its peers' client: TLS when the cluster file has a tls section, else plaintext. */
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

    /**
     * How this node calls its peers' APIs (cluster status, snapshots on every node): plaintext, or
     * TLS trusting the file's caCert (else clientCa, else the system's CAs), presenting this node's
     * own certificate when the peers require client certificates.
     */
    static ChannelCredentials peerCredentials(Optional<TlsConfig> tls, String nodeId) throws IOException {
        if (tls.isEmpty()) {
            return InsecureChannelCredentials.create();
        }
        TlsConfig t = tls.get();
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        Optional<Path> trusted = t.caCert().or(t::clientCa);
        if (trusted.isPresent()) {
            builder.trustManager(readable(trusted.get(), "tls.caCert").toFile());
        }
        if (t.clientCa().isPresent()) {
            builder.keyManager(readable(t.certChainOf(nodeId), "tls.certChain").toFile(),
                    readable(t.privateKeyOf(nodeId), "tls.privateKey").toFile());
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
