package org.raftchat.node.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.raftchat.config.TlsConfig;

/** Certificates for TLS tests, made by the project's own {@code scripts/dev-ca.sh} (needs openssl). */
public final class DevCa {

    private final Path dir;

    private DevCa(Path dir) {
        this.dir = dir;
    }

    /** A CA, certificates for nodes n1..n{nodes} and, if {@code client} is not null, a client certificate. */
    public static DevCa create(Path dir, int nodes, String client) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script().toString(), dir.toString(), "--nodes", nodeIds(nodes)));
        if (client != null) {
            command.addAll(List.of("--client", client));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("dev-ca.sh failed: " + output);
        }
        return new DevCa(dir);
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** The cluster's tls section: per-node certificates; client certificates required if {@code requireClientCerts}. */
    public TlsConfig tlsConfig(boolean requireClientCerts) {
        return new TlsConfig(dir.resolve("{id}.crt"), dir.resolve("{id}.key"),
                requireClientCerts ? Optional.of(caCert()) : Optional.empty(), Optional.of(caCert()));
    }

    /** scripts/dev-ca.sh of this repository, found from the module directory tests run in. */
    private static Path script() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("scripts/dev-ca.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/dev-ca.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static String nodeIds(int nodes) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            ids.add("n" + i);
        }
        return String.join(",", ids);
    }
}
