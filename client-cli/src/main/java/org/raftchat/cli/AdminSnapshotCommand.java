package org.raftchat.cli;

import org.raftchat.client.AdminClient;
import org.raftchat.proto.v1.SnapshotResult;
import org.raftchat.proto.v1.TriggerSnapshotRequest;
import org.raftchat.proto.v1.TriggerSnapshotResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Take a snapshot now on NODE_ID, or on every node when none is given; the log before the previous snapshot is compacted.")
final class AdminSnapshotCommand extends AdminSubcommand {

    @Parameters(paramLabel = "NODE_ID", arity = "0..1", description = "The node to snapshot (default: every node).")
    String nodeId;

    @Override
    int run(AdminClient client) {
        TriggerSnapshotRequest request = TriggerSnapshotRequest.newBuilder().setNodeId(nodeId == null ? "" : nodeId).build();
        TriggerSnapshotResponse response = client.onAnyNode("snapshot", admin -> admin.triggerSnapshot(request));
        int exit = ExitCodes.OK;
        for (SnapshotResult r : response.getResultsList()) {
            if (r.getOk()) {
                out().printf("%-8s ok      snapshot index %d, log now starts at %d%n", r.getNodeId(), r.getSnapshotIndex(), r.getFirstLogIndex());
            } else {
                out().printf("%-8s FAILED  %s%n", r.getNodeId(), r.getError());
                exit = r.getError().startsWith("UNAVAILABLE") || r.getError().startsWith("DEADLINE_EXCEEDED")
                        ? ExitCodes.UNAVAILABLE : Math.max(exit, ExitCodes.REJECTED);
            }
        }
        out().flush();
        return exit;
    }
}
