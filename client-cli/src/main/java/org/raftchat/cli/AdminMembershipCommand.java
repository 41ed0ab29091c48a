package org.raftchat.cli;

import java.util.function.BiFunction;
import org.raftchat.client.AdminClient;
import org.raftchat.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.raftchat.proto.v1.MembershipRequest;
import org.raftchat.proto.v1.MembershipResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin add-node ID} and {@code admin remove-node ID}: Raft membership changes, run on the leader. */
abstract class AdminMembershipCommand extends AdminSubcommand {

    @Parameters(paramLabel = "NODE_ID", description = "A node id from the cluster file.")
    String nodeId;

    private final String verb;
    private final String done;
    private final BiFunction<AdminServiceBlockingStub, MembershipRequest, MembershipResponse> rpc;

    AdminMembershipCommand(String verb, String done, BiFunction<AdminServiceBlockingStub, MembershipRequest, MembershipResponse> rpc) {
        this.verb = verb;
        this.done = done;
        this.rpc = rpc;
    }

    @Override
    int run(AdminClient client) {
        MembershipRequest request = MembershipRequest.newBuilder().setNodeId(nodeId).build();
        MembershipResponse response = client.onLeader(verb + " " + nodeId, admin -> rpc.apply(admin, request));
        out().println(done + " " + nodeId + "; members: " + String.join(", ", response.getMembersList()));
        out().flush();
        return ExitCodes.OK;
    }

    @Command(name = "add-node", mixinStandardHelpOptions = true,
            description = "Add a node of the cluster file to the Raft configuration (start it first; it catches up, then counts).")
    static final class Add extends AdminMembershipCommand {
        Add() {
            super("add-node", "added", AdminServiceBlockingStub::addNode);
        }
    }

    @Command(name = "remove-node", mixinStandardHelpOptions = true,
            description = "Remove a node from the Raft configuration; it then refuses writes. Its data stays until wiped.")
    static final class Remove extends AdminMembershipCommand {
        Remove() {
            super("remove-node", "removed", AdminServiceBlockingStub::removeNode);
        }
    }
}
