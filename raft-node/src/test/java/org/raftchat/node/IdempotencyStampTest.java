package org.raftchat.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.raftchat.proto.v1.Command;
import org.raftchat.proto.v1.PostRoomMessage;

class IdempotencyStampTest {

    @Test
    void stampsScopeFingerprintAndWindow() {
        // Goal: the leader stamps whose key it is, the request's fingerprint and the configured window.
        Command command = new IdempotencyStamp(86_400_000).keyed(Command.newBuilder()
                .setPostRoomMessage(PostRoomMessage.newBuilder().setRoom("a").setAuthor("ann").setText("hi")), "ann", "k1", "a", "hi").build();

        assertThat(command.getIdempotencyKey()).isEqualTo("k1");
        assertThat(command.getIdempotencyScope()).isEqualTo("ann");
        assertThat(command.getIdempotencyWindowMs()).isEqualTo(86_400_000);
        assertThat(command.getRequestFingerprint())
                .isEqualTo(IdempotencyStamp.fingerprint(Command.BodyCase.POST_ROOM_MESSAGE, "a", "hi"));
    }

    @Test
    void theFingerprintTellsRequestsApartAndOnlyThem() {
        // Goal: same kind and fields give the same digest on any leader; another kind, field or field split does not.
        Command.BodyCase post = Command.BodyCase.POST_ROOM_MESSAGE;

        assertThat(IdempotencyStamp.fingerprint(post, "a", "hi")).isEqualTo(IdempotencyStamp.fingerprint(post, "a", "hi"));
        assertThat(IdempotencyStamp.fingerprint(post, "a", "hi")).isNotEqualTo(IdempotencyStamp.fingerprint(post, "b", "hi"));
        assertThat(IdempotencyStamp.fingerprint(post, "ab", "c")).isNotEqualTo(IdempotencyStamp.fingerprint(post, "a", "bc"));
        assertThat(IdempotencyStamp.fingerprint(post, "a", "hi"))
                .isNotEqualTo(IdempotencyStamp.fingerprint(Command.BodyCase.CREATE_ROOM, "a", "hi"));
        assertThat(IdempotencyStamp.fingerprint(post, 1L)).isNotEqualTo(IdempotencyStamp.fingerprint(post, 2L));
    }
}
