package org.raftchat.cli.interactive;

import java.util.List;
import java.util.Objects;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ChatClientException;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.Friend;
import org.raftchat.proto.v1.ModerationResponse;
import org.raftchat.proto.v1.RoomSummary;
import org.raftchat.proto.v1.SearchHistoryResponse;
import org.raftchat.proto.v1.UnreadCount;

/**
 * Runs what the user typed: plain text is posted to the current conversation (and shown when it
 * comes back through the subscription, with its seq), slash commands call the cluster and print
 * their answer. A refused call throws {@link org.raftchat.client.ChatClientException}; the caller shows it.
 */
final class InputRunner {

    private final ChatClient client;
    private final Screen screen;
    private final String me;
    private final KnownNames names;
    private final CurrentConversation conversation;
    private final Mentions mentions;
    /** The last /search: its conversation and phrase, and where the next page starts (0: done). */
    private SearchState lastSearch;

    private record SearchState(ConversationRef conversation, String phrase, long nextBeforeSeq) { }

    /** /unread reads at most this many unread messages per conversation to count mentions. */
    static final int MENTION_SCAN_MAX = 1000;

    InputRunner(ChatClient client, Screen screen, String me, KnownNames names, CurrentConversation conversation) {
        this(client, screen, me, names, conversation, new Mentions(me));
    }

    InputRunner(ChatClient client, Screen screen, String me, KnownNames names, CurrentConversation conversation,
            Mentions mentions) {
        this.mentions = Objects.requireNonNull(mentions, "mentions");
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
            String topic = client.joinRoom(join.room()).getDescription();
            names.addRooms(List.of(join.room()));
            if (!topic.isEmpty()) {
                screen.print("* topic of #" + join.room() + ": " + topic);
            }
            conversation.switchTo(ConversationRefs.room(join.room()));
        } else if (command instanceof SlashCommand.Part part) {
            part(part);
        } else if (command instanceof SlashCommand.Create create) {
            client.createRoom(create.room(), create.description());
            names.addRooms(List.of(create.room()));
            screen.print("* created #" + create.room());
            conversation.switchTo(ConversationRefs.room(create.room()));
        } else if (command instanceof SlashCommand.Delete delete) {
            client.deleteRoom(delete.room());
            screen.print("* deleted #" + delete.room());
            if (conversation.current().equals(ConversationRefs.room(delete.room()))) {
                conversation.switchTo(ConversationRefs.room(InteractiveSession.MAIN_HALL));
            }
        } else if (command instanceof SlashCommand.ListRooms) {
            listRooms();
        } else if (command instanceof SlashCommand.Who who) {
            who(who);
        } else if (command instanceof SlashCommand.Msg msg) {
            ChatMessage sent = client.sendDirectMessage(msg.user(), msg.text());
            names.addUsers(List.of(msg.user()));
            if (!conversation.current().equals(ConversationRefs.canonical(sent.getConversation()))) {
                screen.print("* sent to @" + msg.user() + " as [" + sent.getSeq() + "] (/query " + msg.user() + " to go there)");
            }
        } else if (command instanceof SlashCommand.Query query) {
            names.addUsers(List.of(query.user()));
            conversation.switchTo(ConversationRefs.direct(me, query.user()));
        } else {
            executeMore(command);
        }
    }

    private void executeMore(SlashCommand command) {
        if (command instanceof SlashCommand.Nick nick) {
            String nickname = client.setNickname(nick.nickname()).getNickname();
            mentions.nickname(nickname);
            screen.print("* your nickname is now " + nickname);
        } else if (command instanceof SlashCommand.Friends friends) {
            friends(friends);
        } else if (command instanceof SlashCommand.Online) {
            org.raftchat.proto.v1.ListOnlineResponse online = client.onlineWithAway();
            names.addUsers(online.getUsersList());
            screen.print("* online: " + withAway(online.getUsersList(), online.getAwayList()));
        } else if (command instanceof SlashCommand.History history) {
            conversation.showOlder(history.count());
        } else if (command instanceof SlashCommand.Unread) {
            unread();
        } else if (command instanceof SlashCommand.Edit edit) {
            client.editMessage(conversation.current(), edit.seq(), edit.text());
        } else if (command instanceof SlashCommand.Del del) {
            client.deleteMessage(conversation.current(), del.seq());
        } else if (command instanceof SlashCommand.Help) {
            SlashCommands.USAGES.forEach(u -> screen.print(String.format("  %-11s %-20s %s", u.command(), u.arguments(), u.description())));
            screen.print("  Plain text goes to the current conversation; // at the start posts a line beginning with /.");
        } else if (command instanceof SlashCommand.Invalid invalid) {
            screen.print("! " + invalid.message());
        } else {
            executeModeration(command);
        }
    }

    private void executeModeration(SlashCommand command) {
        if (command instanceof SlashCommand.Search search) {
            search(search.phrase());
        } else if (command instanceof SlashCommand.Away away) {
            String message = client.setAway(away.message()).getMessage();
            screen.print(message.isEmpty() ? "* you are back" : "* you are away: " + message);
        } else if (command instanceof SlashCommand.Topic topic) {
            currentRoom("/topic").ifPresent(room ->
                    screen.print("* topic of #" + room + ": " + client.setTopic(room, topic.topic()).getDescription()));
        } else if (command instanceof SlashCommand.InviteOnly inviteOnly) {
            currentRoom("/inviteonly").ifPresent(room -> screen.print("* #" + room
                    + (client.setInviteOnly(room, inviteOnly.on()).getInviteOnly() ? " is invite-only" : " is open to everyone")));
        } else if (command instanceof SlashCommand.Moderate moderate) {
            currentRoom("/" + moderate.action().name().toLowerCase(java.util.Locale.ROOT)).ifPresent(room -> {
                ModerationResponse s = client.moderate(moderate.action(), room, moderate.user());
                screen.print("* " + moderate.user() + " in #" + room + ": " + (s.getMember() ? "member" : "not a member")
                        + (s.getInvited() ? ", invited" : "") + (s.getBanned() ? ", banned" : ""));
            });
        }
    }

    /** {@code alice, bob (away: lunch)}. */
    static String withAway(List<String> users, List<org.raftchat.proto.v1.AwayUser> away) {
        java.util.Map<String, String> messages = new java.util.HashMap<>();
        away.forEach(a -> messages.put(a.getUsername(), a.getMessage()));
        return String.join(", ", users.stream()
                .map(u -> messages.containsKey(u) ? u + " (away: " + messages.get(u) + ")" : u).toList());
    }

    /** The current conversation's room; in a private conversation, says that {@code command} works in rooms only. */
    private java.util.Optional<String> currentRoom(String command) {
        ConversationRef here = conversation.current();
        if (here.getKindCase() == ConversationRef.KindCase.ROOM) {
            return java.util.Optional.of(here.getRoom());
        }
        screen.print("! " + command + " works in a room; /join or switch to one first");
        return java.util.Optional.empty();
    }

    /** Newest matches first; the same /search again continues with older ones. */
    private void search(String phrase) {
        ConversationRef here = conversation.current();
        long before = 0;
        if (lastSearch != null && lastSearch.conversation().equals(here) && lastSearch.phrase().equals(phrase)) {
            if (lastSearch.nextBeforeSeq() == 0) {
                screen.print("* no older matches for \"" + phrase + "\" in " + ConversationRefs.describe(here));
                lastSearch = null;
                return;
            }
            before = lastSearch.nextBeforeSeq();
        }
        SearchHistoryResponse page = client.search(here, phrase, before, SlashCommands.HISTORY_DEFAULT);
        lastSearch = new SearchState(here, phrase, page.getNextBeforeSeq());
        screen.print("* " + page.getMessagesCount() + " match(es) for \"" + phrase + "\" in " + ConversationRefs.describe(here)
                + (page.getNextBeforeSeq() == 0 ? "" : " (/search " + phrase + " again for older)"));
        page.getMessagesList().forEach(m -> screen.print("  " + conversation.format(m)));
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
        if (here.equals(ConversationRefs.room(room))) {
            conversation.switchTo(ConversationRefs.room(InteractiveSession.MAIN_HALL));
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
            screen.print("* " + ConversationRefs.describe(here) + ": " + here.getDirect().getUserA() + ", " + here.getDirect().getUserB());
            return;
        }
        org.raftchat.proto.v1.ListMembersResponse response = client.listMembers(room);
        names.addUsers(response.getMembersList());
        screen.print("* #" + room + ": " + withAway(response.getMembersList(), response.getAwayList()));
    }

    /**
     * How many of the conversation's unread messages name the user, counted here from their text (the
     * latest {@value #MENTION_SCAN_MAX} unread at most; messages edited or deleted since count as they are now).
     */
    private long mentionsAfter(UnreadCount count) {
        int limit = (int) Math.min(count.getUnread(), MENTION_SCAN_MAX);
        return client.readHistory(count.getConversation(), org.raftchat.client.HistoryAnchor.latest(), limit).getMessagesList().stream()
                .filter(m -> m.getSeq() > count.getReadSeq()).filter(mentions::mentions).count();
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
                        list.stream().map(f -> f.getUsername() + (f.getOnline() ? " (online" : " (offline")
                                + (f.getAwayMessage().isEmpty() ? ")" : ", away: " + f.getAwayMessage() + ")")).toList()));
            }
        }
    }

    private void unread() {
        List<UnreadCount> counts = client.unread().getConversationsList();
        counts.stream().filter(c -> c.getUnread() > 0).forEach(c -> {
            long named = mentionsAfter(c);
            screen.print("* " + ConversationRefs.describe(c.getConversation()) + ": " + c.getUnread() + " unread after ["
                    + c.getReadSeq() + "]" + (named > 0 ? ", " + named + " naming you" : ""));
        });
        if (counts.stream().noneMatch(c -> c.getUnread() > 0)) {
            screen.print("* nothing unread");
        }
    }
}
