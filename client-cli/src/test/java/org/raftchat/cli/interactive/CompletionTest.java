package org.raftchat.cli.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompletionTest {

    private static final Set<String> ROOMS = Set.of("lobby", "dev");
    private static final Set<String> USERS = Set.of("bob", "ann");

    @Test
    void theFirstWordCompletesToCommandsAndArgumentsToRoomsOrUsers() {
        // Goal: Tab offers command names, then room names or user names depending on the command.
        assertThat(Completion.candidates(List.of("/jo"), 0, ROOMS, USERS)).contains("/join", "/quit", "/msg");
        assertThat(Completion.candidates(List.of("/join", ""), 1, ROOMS, USERS)).containsExactly("dev", "lobby");
        assertThat(Completion.candidates(List.of("/who", "l"), 1, ROOMS, USERS)).containsExactly("dev", "lobby");
        assertThat(Completion.candidates(List.of("/msg", "b"), 1, ROOMS, USERS)).containsExactly("ann", "bob");
        assertThat(Completion.candidates(List.of("/friends", ""), 1, ROOMS, USERS)).containsExactly("add", "list", "remove");
        assertThat(Completion.candidates(List.of("/friends", "add", ""), 2, ROOMS, USERS)).containsExactly("ann", "bob");
        assertThat(Completion.candidates(List.of("/msg", "bob", "hel"), 2, ROOMS, USERS)).isEmpty();
        assertThat(Completion.candidates(List.of("/ban", ""), 1, ROOMS, USERS)).containsExactly("ann", "bob");
        assertThat(Completion.candidates(List.of("/invite", "a"), 1, ROOMS, USERS)).containsExactly("ann", "bob");
        assertThat(Completion.candidates(List.of("/inviteonly", ""), 1, ROOMS, USERS)).containsExactly("off", "on");
    }

    @Test
    void plainTextCompletesUserNamesAfterTheFirstWord() {
        // Goal: addressing someone mid-sentence completes their name.
        assertThat(Completion.candidates(List.of("hi", "b"), 1, ROOMS, USERS)).containsExactly("ann", "bob");
        assertThat(Completion.candidates(List.of("hi"), 0, ROOMS, USERS)).isEmpty();
    }
}
