package org.raftchat.cli;

import org.slf4j.LoggerFactory;

/** Runtime switches for the CLI's logging (logback.xml keeps it at WARN on stderr). */
final class Logging {

    private Logging() {
    }

    /** {@code --verbose}: show the client's retries and reconnects (DEBUG) on stderr. */
    static void verbose() {
        if (LoggerFactory.getLogger("org.raftchat") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
    }
}
