package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.Friend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "friends", mixinStandardHelpOptions = true,
        description = "Your friends: 'friends list' (default) shows each with online/offline; 'friends add USER', 'friends remove USER'.")
final class FriendsCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "list", description = "list, add or remove")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "USER")
    String friend;

    @Override
    void validate() {
        if (!action.equals("list") && !action.equals("add") && !action.equals("remove")) {
            throw usage("ACTION: expected list, add or remove, got '" + action + "'");
        }
        if (!action.equals("list") && friend == null) {
            throw usage("friends " + action + ": which USER?");
        }
    }

    @Override
    int run(ChatClient client) {
        switch (action) {
            case "add" -> {
                client.addFriend(friend);
                output().result(new Change(friend, true), "added " + friend);
            }
            case "remove" -> {
                client.removeFriend(friend);
                output().result(new Change(friend, false), "removed " + friend);
            }
            default -> {
                List<Friend> friends = client.friends();
                output().result(new Friends(friends.stream().map(JsonViews.FriendState::of).toList()), out -> {
                    for (Friend f : friends) {
                        out.println(f.getUsername() + "\t" + (f.getOnline() ? "online" : "offline")
                                + (f.getAwayMessage().isEmpty() ? "" : "\taway: " + f.getAwayMessage()));
                    }
                });
            }
        }
        return ExitCodes.OK;
    }

    record Friends(List<JsonViews.FriendState> friends) { }

    /** friends add / remove: whether {@code username} is on your list afterwards. */
    record Change(String username, boolean friend) { }
}
