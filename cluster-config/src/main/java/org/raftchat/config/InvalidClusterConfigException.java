package org.raftchat.config;

/** The cluster file cannot be used; the message names the file and the offending field. */
public final class InvalidClusterConfigException extends Exception {

    public InvalidClusterConfigException(String message) {
        super(message);
    }

    public InvalidClusterConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
