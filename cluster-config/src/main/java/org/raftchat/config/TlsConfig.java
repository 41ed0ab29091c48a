package org.raftchat.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for the nodes' gRPC server (client and admin APIs). Raft (Bolt) traffic between nodes is
 * not covered: keep it on a private network.
 *
 * <p>Paths may contain {@code {id}}, replaced by the node's id, so one cluster file names every
 * node's own certificate ({@code tls/{id}.crt}).
 *
 * @param certChain PEM certificate chain the node presents (leaf first)
 * @param privateKey PEM private key (PKCS#8) of that certificate
 * @param clientCa  if present, clients must present a certificate signed by this CA (mutual TLS)
 * @param caCert    if present, the CA clients that read this cluster file trust for the nodes' certificates
 */
public record TlsConfig(Path certChain, Path privateKey, Optional<Path> clientCa, Optional<Path> caCert) {

    /** Replaced by the node id in {@link #certChain} and {@link #privateKey}. */
    public static final String NODE_ID_PLACEHOLDER = "{id}";

    public TlsConfig {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(clientCa, "clientCa");
        Objects.requireNonNull(caCert, "caCert");
    }

    public Path certChainOf(String nodeId) {
        return forNode(certChain, nodeId);
    }

    public Path privateKeyOf(String nodeId) {
        return forNode(privateKey, nodeId);
    }

    private static Path forNode(Path pattern, String nodeId) {
        return Path.of(pattern.toString().replace(NODE_ID_PLACEHOLDER, nodeId));
    }
}
