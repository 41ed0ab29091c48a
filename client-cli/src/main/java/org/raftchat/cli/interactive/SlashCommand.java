package org.raftchat.cli.interactive;

import java.util.Optional;
import org.raftchat.client.ChatClient;

/** One line typed into the chat screen, parsed: plain text to post, or a slash command. */
public sealed interface SlashCommand {

    /** Plain text: post it to the current conversation. */
    record Say(String text) implements SlashCommand { }

    record Join(String room) implements SlashCommand { }

    /** Leave a room; empty means the current one. */
    record Part(Optional<String> room) implements SlashCommand { }

    record Create(String room, String description) implements SlashCommand { }

    record Delete(String room) implements SlashCommand { }

    record ListRooms() implements SlashCommand { }

    /** Members of a room; empty means the current one. */
    record Who(Optional<String> room) implements SlashCommand { }

    /** A private message without switching to the conversation. */
    record Msg(String user, String text) implements SlashCommand { }

    /** Switch to the private conversation with a user. */
    record Query(String user) implements SlashCommand { }

    record Nick(String nickname) implements SlashCommand { }

    record Friends(FriendsAction action, Optional<String> user) implements SlashCommand { }

    enum FriendsAction { LIST, ADD, REMOVE }

    record Online() implements SlashCommand { }

    /** Show up to {@code count} messages older than the oldest shown in the current conversation. */
    record History(int count) implements SlashCommand { }

    record Unread() implements SlashCommand { }

    record Edit(long seq, String text) implements SlashCommand { }

    record Del(long seq) implements SlashCommand { }

    /** Search the current conversation; repeated with the same phrase, it goes on with older matches. */
    record Search(String phrase) implements SlashCommand { }

    /** Set the away message; empty means back. */
    record Away(String message) implements SlashCommand { }

    /** The current room's topic. */
    record Topic(String topic) implements SlashCommand { }

    record InviteOnly(boolean on) implements SlashCommand { }

    /** Invite, kick, ban or unban a user in the current room. */
    record Moderate(org.raftchat.client.ChatClient.Moderation action, String user) implements SlashCommand { }

    record Help() implements SlashCommand { }

    record Quit() implements SlashCommand { }

    /** A line that looked like a command but was not one; {@code message} says why and how. */
    record Invalid(String message) implements SlashCommand { }

    /** An empty line: nothing to do. */
    record Nothing() implements SlashCommand { }
}
