package org.raftchat.statemachine;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a rule says about a command: it may go ahead ({@link #PASSED}), or it is refused, and the
 * refusal is the command's result. Checks chain with {@link #and}; {@link #then} runs the command
 * only when every check passed, so a refused command writes nothing.
 */
final class Check {

    static final Check PASSED = new Check(null);

    private final ApplyResult.Rejected refusal;

    private Check(ApplyResult.Rejected refusal) {
        this.refusal = refusal;
    }

    static Check refused(ApplyResult.Rejected refusal) {
        return new Check(Objects.requireNonNull(refusal, "refusal"));
    }

    static Check refused(Rejection reason, String detail) {
        return refused(new ApplyResult.Rejected(reason, detail));
    }

    /** Passed when {@code condition} holds, else refused for {@code reason}; the detail is only built for a refusal. */
    static Check require(boolean condition, Rejection reason, Supplier<String> detail) {
        return condition ? PASSED : refused(reason, detail.get());
    }

    boolean passed() {
        return refusal == null;
    }

    /** This refusal, or when this passed, what {@code next} says (evaluated only then). */
    Check and(Supplier<Check> next) {
        return passed() ? next.get() : this;
    }

    /** This refusal, or when this passed, the result of running {@code command}. */
    ApplyResult then(Supplier<? extends ApplyResult> command) {
        return passed() ? command.get() : refusal;
    }
}
