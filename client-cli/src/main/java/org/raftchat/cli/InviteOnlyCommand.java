package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "invite-only", mixinStandardHelpOptions = true,
        description = "Make a room invite-only (on: only you, its owner, and users you invite may join) or open to all (off). "
                + "Members stay members either way.")
final class InviteOnlyCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Parameters(index = "1", paramLabel = "on|off")
    String setting;

    @Override
    void validate() {
        if (!setting.equals("on") && !setting.equals("off")) {
            throw usage("expected on or off, got '" + setting + "'");
        }
    }

    @Override
    int run(ChatClient client) {
        boolean inviteOnly = client.setInviteOnly(room, setting.equals("on")).getInviteOnly();
        output().result(new Setting(room, inviteOnly), "#" + room + (inviteOnly ? " is invite-only" : " is open to everyone"));
        return ExitCodes.OK;
    }

    record Setting(String room, boolean inviteOnly) { }
}
