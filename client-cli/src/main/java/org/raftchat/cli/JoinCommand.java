package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "join", mixinStandardHelpOptions = true, description = "Join a room.")
final class JoinCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Override
    int run(ChatClient client) {
        org.raftchat.proto.v1.RoomMembershipResponse joined = client.joinRoom(room);
        int members = joined.getMemberCount();
        String topic = joined.getDescription();
        output().result(new Joined(room, true, members, topic.isEmpty() ? null : topic),
                "joined #" + room + " (" + members + " members)" + (topic.isEmpty() ? "" : "; topic: " + topic));
        return ExitCodes.OK;
    }

    /** join: like {@link Membership}, with the room's topic (absent if none). */
    record Joined(String room, boolean member, int memberCount, String topic) { }

    /** join and leave: whether you are a member afterwards, and how many members the room has. */
    record Membership(String room, boolean member, int memberCount) { }
}
