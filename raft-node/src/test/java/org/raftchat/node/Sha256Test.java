package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void aNewDigestHashesLikeAFreshlyLookedUpOne() throws Exception {
        byte[] input = "abc".getBytes(StandardCharsets.US_ASCII);

        byte[] cloned = Sha256.newDigest().digest(input);

        assertThat(HexFormat.of().formatHex(cloned))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(cloned).isEqualTo(MessageDigest.getInstance("SHA-256").digest(input));
    }

    @Test
    void digestsDoNotShareState() {
        MessageDigest first = Sha256.newDigest();
        first.update("half of one message".getBytes(StandardCharsets.US_ASCII));

        byte[] second = Sha256.newDigest().digest("abc".getBytes(StandardCharsets.US_ASCII));

        assertThat(HexFormat.of().formatHex(second))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(first.digest()).isEqualTo(Sha256.newDigest().digest("half of one message".getBytes(StandardCharsets.US_ASCII)));
    }
}
