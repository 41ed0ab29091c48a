package org.raftchat.node;

/** A request that is malformed or over a limit; answered INVALID_ARGUMENT before anything is proposed. */
final class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message);
    }
}
