package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void theRegistrationFingerprintIsTheSameOnEveryNodeButTellsPasswordsAndNamesApart() {
        // Goal: two leaders (two Passwords with their own randomness) agree on a retried registration's
        // fingerprint, while another password or another name gives another one.
        Passwords leader = new Passwords(new SecureRandom(), 1_000);
        Passwords nextLeader = new Passwords(new SecureRandom(), 1_000);

        assertThat(nextLeader.fingerprint("ann", "correct horse")).isEqualTo(leader.fingerprint("ann", "correct horse"));
        assertThat(leader.fingerprint("ann", "another password")).isNotEqualTo(leader.fingerprint("ann", "correct horse"));
        assertThat(leader.fingerprint("bob", "correct horse")).isNotEqualTo(leader.fingerprint("ann", "correct horse"));
        assertThat(leader.hash("correct horse")).as("the stored hash stays random-salted").isNotEqualTo(leader.hash("correct horse"));
    }
}
