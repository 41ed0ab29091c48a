package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.ModerationResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** invite, kick, ban and unban: what a room's owner does to another user. Prints the user's standing afterwards. */
abstract class ModerationCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Parameters(index = "1", paramLabel = "USER")
    String user;

    private final ChatClient.Moderation action;
    /** The past tense printed: "banned alice in #lobby". */
    private final String done;

    ModerationCommand(ChatClient.Moderation action, String done) {
        this.action = action;
        this.done = done;
    }

    @Override
    int run(ChatClient client) {
        ModerationResponse standing = client.moderate(action, room, user);
        output().result(new Standing(room, user, standing.getMember(), standing.getInvited(), standing.getBanned()),
                done + " " + user + " in #" + room + " (" + describe(standing) + ")");
        return ExitCodes.OK;
    }

    static String describe(ModerationResponse s) {
        return (s.getMember() ? "member" : "not a member") + (s.getInvited() ? ", invited" : "") + (s.getBanned() ? ", banned" : "");
    }

    /** The user's standing in the room after the command. */
    record Standing(String room, String user, boolean member, boolean invited, boolean banned) { }

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = "Invite a user to your room: they may join it even while it is invite-only (owner only).")
    static final class Invite extends ModerationCommand {
        Invite() {
            super(ChatClient.Moderation.INVITE, "invited");
        }
    }

    @Command(name = "kick", mixinStandardHelpOptions = true,
            description = "Remove a user from your room and withdraw any invitation; they may join again unless it is invite-only (owner only).")
    static final class Kick extends ModerationCommand {
        Kick() {
            super(ChatClient.Moderation.KICK, "kicked");
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = "Remove a user from your room and keep them out: no join, post, history, search or tail until unbanned (owner only).")
    static final class Ban extends ModerationCommand {
        Ban() {
            super(ChatClient.Moderation.BAN, "banned");
        }
    }

    @Command(name = "unban", mixinStandardHelpOptions = true,
            description = "Lift a ban; the user may join again (with an invitation, if the room is invite-only) (owner only).")
    static final class Unban extends ModerationCommand {
        Unban() {
            super(ChatClient.Moderation.UNBAN, "unbanned");
        }
    }
}
