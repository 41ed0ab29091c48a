package org.raftchat.node;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.raftchat.statemachine.ApplyResult;

/**
 * A write that cannot take {@link WritePath}'s way (each route in {@link OwnWayRoutes} says why),
 * declared in a {@link WriteRoute}'s shape so that it is served and answered like one: its request
 * checked at once, its way to an applied result, the result it expects, the answer made from it.
 *
 * @param check      on the call's thread: refuses bad input (the idempotency key first, where there is one)
 *                   with {@link InvalidRequestException} and keeps what only that thread can read (the
 *                   client's address); returns the checked request
 * @param way        from the checked request to its applied result: the leader gate, the caller, the
 *                   password work, the proposals
 * @param resultType the result apply gives when it accepts this write
 * @param answer     the answer made from the checked request and that result
 * @param <Q>        the request
 * @param <C>        the checked request
 * @param <R>        the accepted result
 * @param <A>        the answer
 */
record OwnWayRoute<Q, C, R extends ApplyResult, A>(Function<Q, C> check,
                                                    Function<C, CompletableFuture<? extends ApplyResult>> way,
                                                    Class<R> resultType, BiFunction<C, R, A> answer) {

    /**
     * Checks {@code request} at once (throwing on bad input) and returns its answer to come, made
     * where the way completes; a result other than the expected one is {@link WriteRoute#expect}'s.
     */
    CompletableFuture<A> serve(Q request) {
        C checked = check.apply(request);
        return way.apply(checked).thenApply(result -> answer.apply(checked, WriteRoute.expect(result, resultType)));
    }
}
