package org.raftchat.config;

import java.time.Duration;

/** The one place every default duration and limit is written down. */
public final class Defaults {

    private Defaults() {
    }

    public static final String GROUP_ID = "raftchat";

    /** Followers start an election after this long without hearing from a leader. */
    public static final Duration ELECTION_TIMEOUT = Duration.ofMillis(1000);
    /** How often each node saves a snapshot so its Raft log can be compacted. */
    public static final Duration SNAPSHOT_INTERVAL = Duration.ofMinutes(10);
    /** How long a client waits for one call before it tries again or gives up. */
    public static final Duration CLIENT_CALL_DEADLINE = Duration.ofSeconds(5);
    /** How long a client keeps retrying one write across leader changes before it reports failure. */
    public static final Duration CLIENT_RETRY_BUDGET = Duration.ofSeconds(20);
    /** How long a node waits for a proposal to commit before answering "outcome unknown". */
    public static final Duration PROPOSAL_TIMEOUT = Duration.ofSeconds(5);
    /** How long a node waits for a linearizable read barrier (ReadIndex). */
    public static final Duration READ_INDEX_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Clients ping a node after this long without traffic on a connection, so a stream from a
     * node that vanished without a reset (a partition, a paused process) fails and resumes elsewhere.
     */
    public static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(10);
    /** A ping unanswered for this long closes the connection. */
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);
    /** Nodes accept pings this often; must not exceed {@link #KEEPALIVE_INTERVAL} or nodes would drop clients. */
    public static final Duration KEEPALIVE_MIN_PERMITTED = Duration.ofSeconds(5);

    // SOFAJRaft's write-path levers (see RaftTuning); the values are SOFAJRaft's own defaults
    // until the benchmark shows better ones.
    public static final int RAFT_APPLY_BATCH = 32;
    public static final int RAFT_MAX_APPEND_BUFFER_BYTES = 256 * 1024;
    public static final int RAFT_MAX_ENTRIES_PER_RPC = 1024;
    public static final int RAFT_MAX_INFLIGHT_RPCS = 256;

    public static final int MAX_MESSAGE_BYTES = 4096;
    public static final int MAX_NAME_LENGTH = 32;
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 64;
    public static final int MAX_HISTORY_PAGE = 1000;
    public static final int DEFAULT_HISTORY_PAGE = 50;
    public static final int MAX_INBOUND_GRPC_BYTES = 64 * 1024;
    public static final int MAX_PENDING_PROPOSALS = 16_384;
    public static final int MAX_SUBSCRIPTIONS_PER_NODE = 10_000;
    public static final int MAX_ROOMS_PER_USER = 100;
    public static final int MAX_MEMBERS_PER_ROOM = 1_000;
    /** Generous for people typing; a bench or script spreads its load over several sessions. */
    public static final int MAX_REQUESTS_PER_SECOND_PER_SESSION = 500;
    public static final int MAX_DESCRIPTION_LENGTH = 256;
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 128;

    /**
     * PBKDF2-HMAC-SHA256 iterations for new password hashes (the count is stored with each hash, so
     * raising it later keeps old hashes valid). OWASP's 2023 advice is 600,000; this is lower because
     * the hash runs on the leader's request threads; about 60 ms on one core of a laptop.
     */
    public static final int PASSWORD_HASH_ITERATIONS = 100_000;
    /** Clients heartbeat this often while a session is in use. */
    public static final java.time.Duration HEARTBEAT_INTERVAL = java.time.Duration.ofSeconds(10);
    /** Three missed heartbeats and a session goes offline. */
    public static final int PRESENCE_TIMEOUT_MS = 30_000;
    /** Bytes of randomness in a session token (before base64url). */
    public static final int SESSION_TOKEN_BYTES = 32;
}
