package org.raftchat.cli.interactive;

import java.time.Instant;

/** How the current conversation's live feed is doing, as the status line shows it. */
public sealed interface Connection {

    /** A stream is being opened on {@code address}; not known to serve yet. */
    record Connecting(String address) implements Connection { }

    /** A call to {@code address} succeeded while its stream was open; {@code nodeId} as the node names itself. */
    record Connected(String nodeId, String address) implements Connection { }

    /** The stream from {@code lost} ended; the next attempt ({@code attempt}, from 1) goes to {@code next} at {@code nextAt}. */
    record Reconnecting(String lost, String next, int attempt, Instant nextAt) implements Connection { }

    /** Live updates stopped after a final error; {@code why} says what happened. */
    record Stopped(String why) implements Connection { }
}
