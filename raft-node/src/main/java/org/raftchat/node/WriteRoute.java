package org.raftchat.node;

import java.util.function.Function;
import org.raftchat.proto.v1.Command;
import org.raftchat.statemachine.ApplyResult;

/**
 * One write command of the client API, declared once: how its request is checked and made into the
 * command to propose, and how that command's applied result becomes the answer. {@link WritePath}
 * runs every route the same way; {@link WriteRoutes} holds them all.
 *
 * @param idempotencyKey reads the request's idempotency key, which the path checks before anything else
 * @param check          checks the rest of the request (bad input throws {@link InvalidRequestException})
 *                       and says what to propose once the caller is known
 * @param resultType     what a fresh proposal of this command applies to when apply accepts it
 * @param answer         the answer made from that result
 * @param <Q>            the request
 * @param <R>            the accepted result
 * @param <A>            the answer
 */
record WriteRoute<Q, R extends ApplyResult, A>(Function<Q, String> idempotencyKey, Check<Q> check, Class<R> resultType,
                                                Function<R, A> answer) {

    /** Checks a request before the node does anything with it. */
    @FunctionalInterface
    interface Check<Q> {
        Proposal check(Q request);
    }

    /** A checked request waiting for its caller (the author, owner or reader is the caller, never a request field). */
    @FunctionalInterface
    interface Proposal {
        /** May still refuse input that is only wrong for this caller (a private message to oneself). */
        Draft as(Caller caller);
    }

    /**
     * A command with its body set, not yet keyed, and the request's checked fields: the same key with
     * other fields is another request, which apply refuses ({@link IdempotencyStamp}).
     */
    record Draft(Command.Builder command, Object... requestFields) {}

    /** The answer to an applied result: the expected one, else the rejection's status (or a bug). */
    A answer(ApplyResult result) {
        return answer.apply(expect(result, resultType));
    }

    /** {@code result} as the type a call expects; anything else is thrown as {@link GrpcErrors#unexpected}. */
    static <R extends ApplyResult> R expect(ApplyResult result, Class<R> type) {
        if (type.isInstance(result)) {
            return type.cast(result);
        }
        throw GrpcErrors.unexpected(result);
    }
}
