package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.IdempotencyKey;
import org.raftchat.proto.v1.QueuePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create-room", mixinStandardHelpOptions = true, description = "Create a room; you own it and are its first member.")
final class CreateRoomCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM", description = "The new room's name.")
    String room;

    @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "What the room is for (optional).")
    String description;

    @Option(names = "--queue", description = "A work-queue room: each post goes to exactly one consumer (see 'raftchat queue'). "
            + "Messages not acknowledged after the last allowed delivery go to the dead-letter room ROOM.dlq, which you own.")
    boolean queue;

    @Option(names = "--ack-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "With --queue: a delivery not acknowledged within this many seconds goes to another consumer "
                    + "(1..3600; default: the cluster's, 30).")
    int ackTimeoutSeconds;

    @Option(names = "--max-deliveries", paramLabel = "N", defaultValue = "0",
            description = "With --queue: deliveries of one message before it goes to ROOM.dlq (1..100; default: the cluster's, 5).")
    int maxDeliveries;

    @Option(names = "--invite-only", description = "Only you and users you invite ('raftchat invite ROOM USER') may join.")
    boolean inviteOnly;

    @Override
    void validate() {
        if (!queue && (ackTimeoutSeconds != 0 || maxDeliveries != 0)) {
            throw usage("--ack-timeout and --max-deliveries are for a work-queue room: add --queue");
        }
        if (ackTimeoutSeconds < 0 || maxDeliveries < 0) {
            throw usage("--ack-timeout and --max-deliveries: must be positive");
        }
    }

    @Override
    int run(ChatClient client) {
        QueuePolicy policy = QueuePolicy.newBuilder().setAckTimeoutMs(ackTimeoutSeconds * 1000L).setMaxDeliveries(maxDeliveries).build();
        client.createRoom(IdempotencyKey.random(), room, description, queue, inviteOnly, policy);
        output().result(new Created(room, description, queue, inviteOnly),
                "created " + (inviteOnly ? "invite-only " : "") + (queue ? "work-queue room #" : "#") + room
                        + (queue ? " (dead letters go to #" + room + ".dlq)" : ""));
        return ExitCodes.OK;
    }

    record Created(String room, String description, boolean queue, boolean inviteOnly) { }
}
