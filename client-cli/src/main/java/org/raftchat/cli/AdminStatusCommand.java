package org.raftchat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.raftchat.client.AdminClient;
import org.raftchat.proto.v1.ClusterStatusRequest;
import org.raftchat.proto.v1.ClusterStatusResponse;
import org.raftchat.proto.v1.NodeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Every node's role, term, leader, log indexes (first, last, committed, applied, snapshot), lag behind the leader, or down.")
final class AdminStatusCommand extends AdminSubcommand {

    /** The one convention of every command: text (here a table, one row per node) or one line of JSON. */
    @Mixin
    OutputOptions output;

    @Option(names = "--digest", description = "Also show each node's state digest (reads the whole state).")
    boolean digest;

    @Override
    int run(AdminClient client) throws Exception {
        ClusterStatusRequest request = ClusterStatusRequest.newBuilder().setIncludeDigest(digest).build();
        ClusterStatusResponse status = client.onAnyNode("status", admin -> admin.clusterStatus(request));
        if (output.json()) {
            out().println(json(status));
        } else {
            table(status);
        }
        out().flush();
        return ExitCodes.OK;
    }

    private void table(ClusterStatusResponse status) {
        String header = String.format("%-8s %-22s %-5s %-16s %5s %-8s %-6s %8s %8s %8s %8s %8s %6s",
                "NODE", "ADDRESS", "UP", "ROLE", "TERM", "LEADER", "MEMBER", "FIRST", "LAST", "COMMIT", "APPLIED", "SNAPSHOT", "LAG");
        out().println(digest ? header + "  DIGEST" : header);
        for (NodeStatus n : status.getNodesList()) {
            out().println(row(n));
        }
        out().println("leader: " + (status.getLeaderId().isEmpty() ? "none known" : status.getLeaderId())
                + "   members: " + String.join(", ", status.getMembersList()));
    }

    private String row(NodeStatus n) {
        if (!n.getUp()) {
            return String.format("%-8s %-22s %-5s %s", n.getNodeId(), n.getApiAddress(), "down", n.getDownReason());
        }
        String row = String.format("%-8s %-22s %-5s %-16s %5d %-8s %-6s %8d %8d %8d %8d %8d %6d",
                n.getNodeId(), n.getApiAddress(), "up", n.getRole(), n.getTerm(), n.getLeaderId().isEmpty() ? "-" : n.getLeaderId(),
                n.getMember() ? "yes" : "no", n.getFirstLogIndex(), n.getLastLogIndex(), n.getCommittedIndex(), n.getAppliedIndex(),
                n.getSnapshotIndex(), n.getLag());
        return digest ? row + "  " + n.getStateDigest().substring(0, Math.min(16, n.getStateDigest().length())) : row;
    }

    private static String json(ClusterStatusResponse status) throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("leader", status.getLeaderId());
        root.put("members", status.getMembersList());
        root.put("nodes", status.getNodesList().stream().map(AdminStatusCommand::node).toList());
        return new ObjectMapper().writeValueAsString(root);
    }

    private static Map<String, Object> node(NodeStatus n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.getNodeId());
        m.put("address", n.getApiAddress());
        m.put("up", n.getUp());
        if (!n.getUp()) {
            m.put("downReason", n.getDownReason());
            return m;
        }
        m.put("role", n.getRole());
        m.put("term", n.getTerm());
        m.put("leader", n.getLeaderId());
        m.put("member", n.getMember());
        m.put("firstLogIndex", n.getFirstLogIndex());
        m.put("lastLogIndex", n.getLastLogIndex());
        m.put("committedIndex", n.getCommittedIndex());
        m.put("appliedIndex", n.getAppliedIndex());
        m.put("snapshotIndex", n.getSnapshotIndex());
        m.put("lag", n.getLag());
        if (!n.getStateDigest().isEmpty()) {
            m.put("stateDigest", n.getStateDigest());
        }
        return m;
    }

}
