package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.FakeCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raftchat.cli.interactive.LoginFlow;

/** The interactive login against fake nodes (they refuse only the password "wrong password"). */
class LoginFlowTest {

    final FakeCluster cluster = new FakeCluster(1);
    final ChatClient client = cluster.client();
    final InteractiveSessionTest.FakeScreen screen = new InteractiveSessionTest.FakeScreen();

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    private Optional<LoginFlow.Login> typing(String... lines) {
        for (String line : lines) {
            screen.type(line);
        }
        screen.type("\u0004");
        return new LoginFlow(client, screen, "cli").run();
    }

    @Test
    void aKnownUserIsLoggedInAndTheClientUsesTheSession() {
        // Goal: name and password give a session, and later calls go as it.
        assertThat(typing("ann", "ann's password")).contains(new LoginFlow.Login("ann", "token-ann"));
        assertThat(client.sendDirectMessage("bob", "hi").getAuthor()).isEqualTo("ann");
    }

    @Test
    void aRefusedPasswordOffersRegistrationWhichNeedsTheSamePasswordTwice() {
        // Goal: a refused pair offers to register; a differing second password registers nothing and asks again.
        Optional<LoginFlow.Login> login = typing("bob", "wrong password", "y", "another password", "bob", "bob's password");

        assertThat(login).contains(new LoginFlow.Login("bob", "token-bob"));
        assertThat(screen.printed()).contains("the passwords differ; try again");
        assertThat(cluster.node(0).keysSeen).isEmpty();
    }

    @Test
    void declinedRegistrationAndEndOfInputLogNobodyIn() {
        // Goal: saying no to registration asks again; Ctrl-D at the prompt gives up without a session.
        assertThat(typing("bob", "wrong password", "n")).isEmpty();
        assertThat(screen.printed()).contains("not logged in; try again");
    }
}
