package org.raftchat.statemachine;

/**
 * Applying a command failed unexpectedly: a bug in this code (or in the leader's validation that let
 * the command in), not an entry that cannot be decoded ({@link CorruptLogException}) and not a
 * storage failure ({@link StateMachineException}). Apply is deterministic, so every replica fails on
 * the same entry: the replica must stop, and restarting it would only fail again. When this is
 * thrown, nothing of the batch has been written.
 */
public final class ApplyFailedException extends RuntimeException {

    private final long index;
    private final String commandKind;

    public ApplyFailedException(long index, String commandKind, RuntimeException cause) {
        super("log entry " + index + " (" + commandKind + "): apply failed: " + cause, cause);
        this.index = index;
        this.commandKind = commandKind;
    }

    /** The Raft index of the entry whose command failed. */
    public long index() {
        return index;
    }

    /** The failing command's body, as its {@code Command.BodyCase} name (e.g. {@code EDIT_MESSAGE}). */
    public String commandKind() {
        return commandKind;
    }
}
