package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthInterceptorTokenSyntaxTest {

    /** The token syntax as a regular expression: the specification the one-pass check must agree with. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,128}(\\.[0-9]{1,18})?");
    private static final String BEARER = "Bearer ";

    @ParameterizedTest
    @ValueSource(strings = {
            "abcdefghijklmnop", "ABCDEFGHIJKLMNOP.1", "a_b-c0123456789Z.123456789012345678",
            "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234567890123456"})
    void acceptsSecretsWithOrWithoutAnIndex(String token) {
        assertThat(AuthInterceptor.wellFormed(BEARER + token, BEARER.length())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "abcdefghijklmno", "abcdefghijklmnop.", "abcdefghijklmnop.x", "abcdefghijklmnop.1234567890123456789",
            "abcdefghijklmnop.1.2", "abcdefghijklmnop=", "abcdefgh ijklmnop", "abcdefghijklmnop ", ".1234",
            "abcdefghijklmnopé", "abcdefghijklmnop.-1"})
    void refusesAnythingElse(String token) {
        assertThat(AuthInterceptor.wellFormed(BEARER + token, BEARER.length())).isFalse();
    }

    @Test
    void refusesASecretLongerThan128Characters() {
        assertThat(AuthInterceptor.wellFormed(BEARER + "a".repeat(128), BEARER.length())).isTrue();
        assertThat(AuthInterceptor.wellFormed(BEARER + "a".repeat(129), BEARER.length())).isFalse();
    }

    @Test
    void agreesWithTheRegularExpressionOnRandomCandidates() {
        Random random = new Random(20261205);
        String alphabet = "aZ09_-.+/= é";
        int accepted = 0;
        for (int n = 0; n < 200_000; n++) {
            String token = candidate(random, alphabet);
            boolean expected = TOKEN.matcher(token).matches();
            assertThat(AuthInterceptor.wellFormed(BEARER + token, BEARER.length())).as("token '%s'", token).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        // The candidates must reach both sides, or the agreement says little.
        assertThat(accepted).isBetween(1_000, 199_000);
    }

    /** Mostly a secret near the length bounds and a short index, with a stray character now and then. */
    private static String candidate(Random random, String alphabet) {
        StringBuilder token = new StringBuilder();
        int secretChars = 12 + random.nextInt(8) + (random.nextInt(4) == 0 ? 110 : 0);
        for (int i = 0; i < secretChars; i++) {
            token.append(random.nextInt(40) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : "aZ09_-".charAt(random.nextInt(6)));
        }
        if (random.nextBoolean()) {
            token.append('.');
            int digits = random.nextInt(21);
            for (int i = 0; i < digits; i++) {
                token.append(random.nextInt(30) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : (char) ('0' + random.nextInt(10)));
            }
        }
        return token.toString();
    }
}
