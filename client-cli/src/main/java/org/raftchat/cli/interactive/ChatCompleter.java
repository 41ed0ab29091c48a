package org.raftchat.cli.interactive;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/** JLine's side of {@link Completion}: names come from suppliers the session keeps fresh. */
final class ChatCompleter implements Completer {

    private final Supplier<Set<String>> rooms;
    private final Supplier<Set<String>> users;

    ChatCompleter(Supplier<Set<String>> rooms, Supplier<Set<String>> users) {
        this.rooms = rooms;
        this.users = users;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        for (String word : Completion.candidates(line.words(), line.wordIndex(), rooms.get(), users.get())) {
            candidates.add(new Candidate(word));
        }
    }
}
