package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.ClusterConfig;
import org.raftchat.config.ClusterConfigLoader;
import picocli.CommandLine;

class NodeMainTest {

    private static final String FILE = """
            nodes:
              - {id: n1, host: 127.0.0.1, raftPort: 7101, apiPort: 9101}
              - {id: n2, host: 127.0.0.1, raftPort: 7102, apiPort: 9102}
            """;

    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheFileForThisNodeOnly() throws Exception {
        // Goal: --data-dir and --api-port replace this node's values; the other node and the Raft address stay.
        ClusterConfig file = ClusterConfigLoader.parse(FILE, dir);
        NodeMain main = parse("--cluster", "c.yaml", "--node", "n1", "--data-dir", "/var/lib/rc/n1", "--api-port", "9999");

        ClusterConfig effective = main.withOverrides(file);

        assertThat(effective.node("n1").orElseThrow().apiAddress()).isEqualTo("127.0.0.1:9999");
        assertThat(effective.node("n1").orElseThrow().dataDir()).isEqualTo(Path.of("/var/lib/rc/n1"));
        assertThat(effective.node("n1").orElseThrow().raftAddress()).isEqualTo("127.0.0.1:7101");
        assertThat(effective.node("n2")).isEqualTo(file.node("n2"));
    }

    @Test
    void withoutFlagsTheFileStandsAndBadPortsAreRefused() throws Exception {
        ClusterConfig file = ClusterConfigLoader.parse(FILE, dir);
        assertThat(parse("--cluster", "c.yaml", "--node", "n2").withOverrides(file)).isEqualTo(file);
        assertThatThrownBy(() -> parse("--cluster", "c.yaml", "--node", "n2", "--api-port", "70000").withOverrides(file))
                .hasMessageContaining("--api-port");
        assertThatThrownBy(() -> parse("--cluster", "c.yaml", "--node", "n2", "--api-port", "7102").withOverrides(file))
                .hasMessageContaining("7102");
    }

    @Test
    void versionNamesTheBuildAndItsCommit() {
        // Goal: raftchat-node --version printed nothing; it prints the version and commit the build recorded.
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new NodeMain());
        cli.setOut(new java.io.PrintWriter(out, true));
        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo(org.raftchat.config.BuildInfo.current().describe("raftchat-node"))
                .matches("raftchat-node \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\((commit [0-9a-f]{12}|unknown commit)\\)");
    }

    private static NodeMain parse(String... args) {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void nettyLeakDetectionIsOffUnlessTheCommandLineSetsIt() {
        // Goal: both Netty copies run without the leak detector, but a -D an operator gave still wins.
        String grpc = NodeMain.NETTY_LEAK_DETECTION_PROPERTIES.get(0);
        String bolt = NodeMain.NETTY_LEAK_DETECTION_PROPERTIES.get(1);
        String grpcBefore = System.getProperty(grpc);
        String boltBefore = System.getProperty(bolt);
        try {
            System.setProperty(grpc, "paranoid");
            System.clearProperty(bolt);

            NodeMain.disableNettyLeakDetection();

            assertThat(System.getProperty(grpc)).isEqualTo("paranoid");
            assertThat(System.getProperty(bolt)).isEqualTo("disabled");
        } finally {
            restore(grpc, grpcBefore);
            restore(bolt, boltBefore);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
