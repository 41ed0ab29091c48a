package org.raftchat.statemachine;

/** RocksDB or file-system failure (I/O), or stored state that can no longer be read. */
public final class StateMachineException extends RuntimeException {

    public StateMachineException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateMachineException(String message) {
        super(message);
    }
}
