package org.raftchat.cli;

import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.MembershipResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin add-node ID} and {@code admin remove-node ID}: Raft membership changes, run on the leader. */
final class AdminMembershipCommand {

    private AdminMembershipCommand() {
    }

    @Command(name = "add-node", mixinStandardHelpOptions = true,
            description = "Add a node of the cluster file to the Raft configuration (start it first; it catches up, then counts).")
    static final class Add extends AdminSubcommand {
        @Parameters(paramLabel = "NODE_ID", description = "A node id from the cluster file.")
        String nodeId;

        @Override
        int run(AdminClient client) {
            MembershipRequest request = MembershipRequest.newBuilder().setNodeId(nodeId).build();
            MembershipResponse response = client.onLeader("add-node " + nodeId, admin -> admin.addNode(request));
            out().println("added " + nodeId + "; members: " + String.join(", ", response.getMembersList()));
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove-node", mixinStandardHelpOptions = true,
            description = "Remove a node from the Raft configuration; it then refuses writes. Its data stays until wiped.")
    static final class Remove extends AdminSubcommand {
        @Parameters(paramLabel = "NODE_ID", description = "A node id from the cluster file.")
        String nodeId;

        @Override
        int run(AdminClient client) {
            MembershipRequest request = MembershipRequest.newBuilder().setNodeId(nodeId).build();
            MembershipResponse response = client.onLeader("remove-node " + nodeId, admin -> admin.removeNode(request));
            out().println("removed " + nodeId + "; members: " + String.join(", ", response.getMembersList()));
            out().flush();
            return ExitCodes.OK;
        }
    }
}
