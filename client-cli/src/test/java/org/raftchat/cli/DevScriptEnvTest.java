package org.raftchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./raftchat-dev env}: the line another terminal runs to use the dev cluster, the same one
 * {@code up} prints for a second user. Runs the script on a run dir of its own (no cluster is started).
 */
class DevScriptEnvTest {

    @TempDir
    Path run;

    @Test
    void withTlsTheLineCarriesTheCa() throws Exception {
        // Goal: after `up --tls` a second user needs the CA; the line names run/tls/ca.crt.
        Files.writeString(run.resolve("cluster.yaml"), """
                nodes:
                  - id: n1
                    apiPort: 9101
                  - id: n2
                    apiPort: 9102
                tls:
                  certChain: tls/{id}.crt
                """);
        assertThat(env()).isEqualTo("export RAFTCHAT_CLUSTER=127.0.0.1:9101,127.0.0.1:9102 RAFTCHAT_TLS_CA=" + run.resolve("tls/ca.crt"));
    }

    @Test
    void withoutTlsOnlyTheAddresses() throws Exception {
        Files.writeString(run.resolve("cluster.yaml"), """
                nodes:
                  - id: n1
                    apiPort: 9101
                """);
        assertThat(env()).isEqualTo("export RAFTCHAT_CLUSTER=127.0.0.1:9101");
    }

    private String env() throws Exception {
        DevScript.Result result = new DevScript(Map.of("RAFTCHAT_RUN_DIR", run.toString())).run("env");
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }
}
