package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.raftchat.node.testing.Api.createRoom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raftchat.config.NodeSpec;
import org.raftchat.node.testing.ProcessCluster;

/** Real node processes: each writes its own rolling log file, every line naming the node. */
class NodeLogsIT {

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachNodeLogsToItsOwnRollingFileWithItsIdOnEveryLine() throws Exception {
        // Goal: one file per node; every line, from our threads and SOFAJRaft's alike, carries the node
        // id; files roll over by size (a tiny limit here) into gzipped files beside the live one.
        cluster = ProcessCluster.start(ProcessCluster.NODE_JAR, 3, dir, List.of("-Draftchat.log.maxFileSize=4KB"));
        String leader;
        try {
            leader = cluster.awaitLeader();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no leader; the nodes' output:\n" + tails(), e);
        }
        createRoom(cluster.blockingStub(leader), "lobby");

        for (NodeSpec node : cluster.config().nodes()) {
            Path logs = cluster.logFile(node.id()).getParent();
            List<String> lines = allLines(logs, node.id());
            assertThat(lines).as(node.id()).anyMatch(l -> l.contains("RaftChatNode - Node " + node.id() + " started"));
            assertThat(lines).as(node.id()).anyMatch(l -> l.contains("[JRaft-"));
            assertThat(lines).as(node.id()).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} +\\w+ +\\[" + node.id() + "\\] .*")
                    || isContinuation(l));
            try (Stream<Path> files = Files.list(logs)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .as(node.id() + " rolled files").anyMatch(f -> f.matches(node.id() + "\\.\\d{4}-\\d\\d-\\d\\d\\.\\d+\\.log\\.gz"));
            }
            assertNoLogbackComplaint(logs, node.id());
        }
    }

    @Test
    void withTheJsonFormatEveryEventIsOneJsonObjectOnOneLineNamingTheNode() throws Exception {
        // Goal: -Draftchat.log.format=json (or --log-format json, $RAFTCHAT_LOG_FORMAT) makes every line of
        // the node's log one JSON event (logback's JsonEncoder) with the node id, for log shippers.
        cluster = ProcessCluster.start(ProcessCluster.NODE_JAR, 1, dir, List.of("-Draftchat.log.format=json"));
        String leader;
        try {
            leader = cluster.awaitLeader();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no leader; the node's output:\n" + tails(), e);
        }
        createRoom(cluster.blockingStub(leader), "lobby");

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = Files.readAllLines(cluster.logFile(leader));
        assertThat(lines).isNotEmpty();
        List<com.fasterxml.jackson.databind.JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(json.readTree(line)); // throws on anything but one JSON object per line
        }
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("context").path("name").asText()).isEqualTo(leader);
            assertThat(e.path("level").asText()).isNotEmpty();
            assertThat(e.path("timestamp").asLong()).isPositive();
        });
        assertThat(events).anySatisfy(e -> assertThat(e.path("formattedMessage").asText()).contains("Node " + leader + " started"));
        assertThat(events).anySatisfy(e -> assertThat(e.path("threadName").asText()).startsWith("JRaft-"));
        assertNoLogbackComplaint(cluster.logFile(leader).getParent(), leader);
    }

    /** The last lines each node wrote, to see why a cluster did not come up. */
    private String tails() throws IOException {
        StringBuilder out = new StringBuilder();
        for (NodeSpec node : cluster.config().nodes()) {
            Path logs = cluster.logFile(node.id()).getParent();
            for (Path file : List.of(logs.resolve(node.id() + ".out"), logs.resolve(node.id() + ".log"))) {
                List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of("(missing)");
                out.append("== ").append(file).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * logback found nothing wrong in its configuration: on a warning or an error it skips what it
     * could not build (e.g. an appender) and prints its status lines on the node's stdout.
     */
    private static void assertNoLogbackComplaint(Path logs, String id) throws IOException {
        assertThat(Files.readString(logs.resolve(id + ".out"))).as(id + ".out")
                .doesNotContain("|-WARN in ch.qos.logback").doesNotContain("|-ERROR in ch.qos.logback");
    }

    /** A stack trace's lines belong to the line above them. */
    private static boolean isContinuation(String line) {
        return line.startsWith("\t") || line.startsWith("Caused by") || line.startsWith("Exception")
                || line.matches("^[a-z][\\w.$]*(Exception|Error).*");
    }

    /** The lines of the node's live file and of every file rolled from it. */
    private static List<String> allLines(Path logs, String id) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(logs.resolve(id + ".log")));
        try (Stream<Path> files = Files.list(logs)) {
            for (Path rolled : files.filter(f -> f.getFileName().toString().startsWith(id + ".")
                    && f.getFileName().toString().endsWith(".gz")).toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(rolled))) {
                    lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                }
            }
        }
        return lines;
    }
}
