package org.raftchat.cli.interactive;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What tab completes, given the words typed so far: command names for the first word, then room
 * or user names by what the command takes. Pure; {@link ChatCompleter} adapts it to JLine.
 */
public final class Completion {

    private static final Set<String> ROOM_COMMANDS = Set.of("/join", "/part", "/delete", "/who");
    private static final Set<String> USER_COMMANDS = Set.of("/msg", "/query", "/invite", "/kick", "/ban", "/unban");

    private Completion() {
    }

    /**
     * @param words     the words of the line, the one being completed last (possibly empty)
     * @param wordIndex the index of the word being completed
     * @param rooms     room names known to the client
     * @param users     user names known to the client
     * @return every candidate for that word, sorted; the caller's line editor filters by prefix
     */
    public static List<String> candidates(List<String> words, int wordIndex, Set<String> rooms, Set<String> users) {
        if (words.isEmpty() || !words.get(0).startsWith("/")) {
            // Plain text: names are what one types most (addressing someone).
            return wordIndex == 0 ? List.of() : sorted(users);
        }
        if (wordIndex == 0) {
            return SlashCommands.names();
        }
        String command = words.get(0).toLowerCase(Locale.ROOT);
        if (wordIndex == 1 && ROOM_COMMANDS.contains(command)) {
            return sorted(rooms);
        }
        if (wordIndex == 1 && USER_COMMANDS.contains(command)) {
            return sorted(users);
        }
        if (command.equals("/inviteonly")) {
            return wordIndex == 1 ? List.of("off", "on") : List.of();
        }
        if (command.equals("/friends")) {
            return wordIndex == 1 ? List.of("add", "list", "remove") : wordIndex == 2 ? sorted(users) : List.of();
        }
        return List.of();
    }

    private static List<String> sorted(Set<String> names) {
        return List.copyOf(new TreeSet<>(names));
    }
}
