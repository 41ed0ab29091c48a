package org.raftchat.cli.interactive;

import java.util.List;
import java.util.Objects;
import org.raftchat.cli.ChatClient;
import org.raftchat.cli.Conversations;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.UnreadCount;

/**
 * Runs what the user typed: plain text is posted to the current conversation (and shown when it
 * comes back through the subscription, with its seq), slash commands call the cluster and print
 * their answer. A refused call throws {@link org.raftchat.cli.ChatClientException}; the caller shows it.
 */
final class SessionCommands {

    private final ChatClient client;
    private final Screen screen;
    private final String me;
    private final KnownNames names;
    private final CurrentConversation conversation;

    SessionCommands(ChatClient client, Screen screen, String me, KnownNames names, CurrentConversation conversation) {
        this.client = Objects.requireNonNull(client, "client");
        this.screen = Objects.requireNonNull(screen, "screen");
        this.me = Objects.requireNonNull(me, "me");
        this.names = Objects.requireNonNull(names, "names");
        this.conversation = Objects.requireNonNull(conversation, "conversation");
    }

    void execute(SlashCommand command) {
        if (command instanceof SlashCommand.Say say) {
            say(say.text());
        } else if (command instanceof SlashCommand.Join join) {
            client.joinRoom(join.room());
            names.addRooms(List.of(join.room()));
            conversation.switchTo(Conversations.room(join.room()));
        } else if (command instanceof SlashCommand.Part part) {
            part(part);
        } else if (command instanceof SlashCommand.Create create) {
            client.createRoom(create.room(), create.description());
            names.addRooms(List.of(create.room()));
            screen.print("* created #" + create.room());
            conversation.switchTo(Conversations.room(create.room()));
        } else if (command instanceof SlashCommand.Delete delete) {
            client.deleteRoom(delete.room());
            screen.print("* deleted #" + delete.room());
            if (conversation.current().equals(Conversations.room(delete.room()))) {
                conversation.switchTo(Conversations.room(InteractiveSession.MAIN_HALL));
            }
        } else if (command instanceof SlashCommand.ListRooms) {
            listRooms();
        } else if (command instanceof SlashCommand.Who who) {
            who(who);
        } else if (command instanceof SlashCommand.Msg msg) {
            ChatMessage sent = client.sendDirectMessage(msg.user(), msg.text());
            names.addUsers(List.of(msg.user()));
            if (!conversation.current().equals(Conversations.canonical(sent.getConversation()))) {
                screen.print("* sent to @" + msg.user() + " as [" + sent.getSeq() + "] (/query " + msg.user() + " to go there)");
            }
        } else if (command instanceof SlashCommand.Query query) {
            names.addUsers(List.of(query.user()));
            conversation.switchTo(Conversations.direct(me, query.user()));
        } else {
            executeMore(command);
        }
    }

    private void executeMore(SlashCommand command) {
        if (command instanceof SlashCommand.Nick nick) {
            screen.print("* your nickname is now " + client.setNickname(nick.nickname()).getNickname());
        } else if (command instanceof SlashCommand.Friends friends) {
            friends(friends);
        } else if (command instanceof SlashCommand.Online) {
            List<String> online = client.online();
            names.addUsers(online);
            screen.print("* online: " + String.join(", ", online));
        } else if (command instanceof SlashCommand.History history) {
            conversation.showOlder(history.count());
        } else if (command instanceof SlashCommand.Unread) {
            unread();
        } else if (command instanceof SlashCommand.Edit edit) {
            client.editMessage(conversation.current(), edit.seq(), edit.text());
        } else if (command instanceof SlashCommand.Del del) {
            client.deleteMessage(conversation.current(), del.seq());
        } else if (command instanceof SlashCommand.Help) {
            SlashCommands.USAGES.forEach(u -> screen.print(String.format("  %-9s %-20s %s", u.command(), u.arguments(), u.description())));
            screen.print("  Plain text goes to the current conversation; // at the start posts a line beginning with /.");
        } else if (command instanceof SlashCommand.Invalid invalid) {
            screen.print("! " + invalid.message());
        }
    }

    private void say(String text) {
        ConversationRef ref = conversation.current();
        // Not printed here: it comes back through the subscription with its seq, like everyone's.
        if (ref.getKindCase() == ConversationRef.KindCase.DIRECT) {
            client.sendDirectMessage(conversation.peer(ref), text);
        } else {
            client.postRoomMessage(ref.getRoom(), text);
        }
    }

    private void part(SlashCommand.Part part) {
        ConversationRef here = conversation.current();
        String room = part.room().orElseGet(() -> here.getKindCase() == ConversationRef.KindCase.ROOM ? here.getRoom() : null);
        if (room == null) {
            screen.print("! this is a private conversation; /part ROOM leaves a room");
            return;
        }
        client.leaveRoom(room);
        screen.print("* left #" + room);
        if (here.equals(Conversations.room(room))) {
            conversation.switchTo(Conversations.room(InteractiveSession.MAIN_HALL));
        }
    }

    private void listRooms() {
        List<RoomSummary> rooms = client.listRooms().getRoomsList();
        names.addRooms(rooms.stream().map(RoomSummary::getName).toList());
        rooms.forEach(r -> screen.print(String.format("  #%-20s %4d members  %-12s %s",
                r.getName(), r.getMemberCount(), r.getOwner(), r.getDescription())));
    }

    private void who(SlashCommand.Who who) {
        ConversationRef here = conversation.current();
        String room = who.room().orElseGet(() -> here.getKindCase() == ConversationRef.KindCase.ROOM ? here.getRoom() : null);
        if (room == null) {
            screen.print("* " + Conversations.describe(here) + ": " + here.getDirect().getUserA() + ", " + here.getDirect().getUserB());
            return;
        }
        List<String> members = client.listMembers(room).getMembersList();
        names.addUsers(members);
        screen.print("* #" + room + ": " + String.join(", ", members));
    }

    private void friends(SlashCommand.Friends friends) {
        switch (friends.action()) {
            case ADD -> {
                client.addFriend(friends.user().orElseThrow());
                screen.print("* " + friends.user().get() + " is now a friend");
            }
            case REMOVE -> {
                client.removeFriend(friends.user().orElseThrow());
                screen.print("* " + friends.user().get() + " is no longer a friend");
            }
            case LIST -> {
                List<Friend> list = client.friends();
                names.addUsers(list.stream().map(Friend::getUsername).toList());
                screen.print(list.isEmpty() ? "* no friends yet (/friends add USER)" : "* friends: " + String.join(", ",
                        list.stream().map(f -> f.getUsername() + (f.getOnline() ? " (online)" : " (offline)")).toList()));
            }
        }
    }

    private void unread() {
        List<UnreadCount> counts = client.unread().getConversationsList();
        counts.stream().filter(c -> c.getUnread() > 0).forEach(c -> screen.print("* " + Conversations.describe(c.getConversation())
                + ": " + c.getUnread() + " unread after [" + c.getReadSeq() + "]"));
        if (counts.stream().noneMatch(c -> c.getUnread() > 0)) {
            screen.print("* nothing unread");
        }
    }
}
