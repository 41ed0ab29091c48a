package org.raftchat.cli;

import org.raftchat.client.AdminClient;
import org.raftchat.proto.v1.TransferLeadershipRequest;
import org.raftchat.proto.v1.TransferLeadershipResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "transfer-leader", mixinStandardHelpOptions = true,
        description = "Hand leadership to NODE_ID, or to the most up-to-date follower when none is given.")
final class AdminTransferCommand extends AdminSubcommand {

    @Parameters(paramLabel = "NODE_ID", arity = "0..1", description = "The node to lead next (default: any follower).")
    String nodeId;

    @Override
    int run(AdminClient client) {
        TransferLeadershipRequest request = TransferLeadershipRequest.newBuilder().setNodeId(nodeId == null ? "" : nodeId).build();
        TransferLeadershipResponse moved = client.onLeader("transfer-leader", admin -> admin.transferLeadership(request));
        out().println("leader: " + moved.getPreviousLeaderId() + " -> " + moved.getNewLeaderId());
        out().flush();
        return ExitCodes.OK;
    }
}
