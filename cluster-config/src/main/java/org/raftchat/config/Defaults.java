package org.raftchat.config;

import java.time.Duration;

/** The one place every default duration and limit is written down. */
public final class Defaults {

    private Defaults() {
    }

    public static final String GROUP_ID = "raftchat";

    /**
     * Followers start an election after this long without hearing from a leader (plus a random
     * delay of up to half of it). 500 ms: after a leader crash, writes resume within about 1.3 s
     * (3 nodes, kill -9, 8 rounds: 0.75-1.30 s, against 1.15-3.04 s with 1000 ms and SOFAJRaft's
     * default 1 s delay); with heartbeats every 167 ms a follower must miss three before it campaigns,
     * and pre-vote keeps one that merely lost contact from disturbing a leader the others still hear.
     */
    public static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);
    /** How often each node saves a snapshot so its Raft log can be compacted. */
    public static final Duration SNAPSHOT_INTERVAL = Duration.ofMinutes(10);
    /**
     * A timed snapshot is skipped unless this many entries were applied since the last one. SOFAJRaft
     * keeps the log from the previous snapshot on, so retention is one to two snapshot intervals.
     */
    public static final int SNAPSHOT_LOG_INDEX_MARGIN = 0;
    /** How long one snapshot may take before an admin TriggerSnapshot reports failure. */
    public static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(60);
    /** How long a node waits for each other node's answer when it gathers the cluster status. */
    public static final Duration STATUS_PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** How long an admin TransferLeadership waits for the target to take over. */
    public static final Duration TRANSFER_LEADERSHIP_TIMEOUT = Duration.ofSeconds(10);
    /** How long a stopping leader waits for a follower to take over before it shuts down anyway. */
    public static final Duration SHUTDOWN_TRANSFER_TIMEOUT = Duration.ofSeconds(5);
    /** How long a stopping node lets calls in flight finish before it cancels them. */
    public static final Duration SHUTDOWN_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Shortest admin token accepted: a shared secret short enough to guess protects nothing. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    /** How long the admin CLI waits for one admin call (snapshots and membership changes can be slow). */
    public static final Duration ADMIN_CALL_DEADLINE = Duration.ofSeconds(60);

    /** How long a client waits for one call before it tries again or gives up. */
    public static final Duration CLIENT_CALL_DEADLINE = Duration.ofSeconds(5);
    /** How long a client keeps retrying one write across leader changes before it reports failure. */
    public static final Duration CLIENT_RETRY_BUDGET = Duration.ofSeconds(20);
    /** A client's first pause between attempts; pauses double (with jitter) up to {@link #CLIENT_BACKOFF_MAX}. */
    public static final Duration CLIENT_BACKOFF_MIN = Duration.ofMillis(50);
    /** Short: a client that backs off longer than an election lasts finds the new leader late. */
    public static final Duration CLIENT_BACKOFF_MAX = Duration.ofMillis(250);
    /** How long a node waits for a proposal to commit before answering "outcome unknown". */
    public static final Duration PROPOSAL_TIMEOUT = Duration.ofSeconds(5);
    /** How often the leader looks for proposals past their timeout: the timeout's precision. */
    public static final Duration PROPOSAL_TIMEOUT_SWEEP = Duration.ofMillis(100);
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
    /** Correct whatever the clocks do; LEASE trades that for one round trip fewer per read. */
    public static final ReadMode RAFT_READ_MODE = ReadMode.SAFE;
    /** Writes queued on the leader while the previous entry is handed to SOFAJRaft go out together. */
    public static final int RAFT_MAX_COMMANDS_PER_ENTRY = 64;
    /**
     * Grouped entries the leader has proposed and not yet answered, at most; writes arriving while
     * this many are out wait and go together in the next entry (see Proposer).
     */
    public static final int RAFT_MAX_ENTRIES_IN_FLIGHT = 2;
    /**
     * Under concurrent load, the least time between two grouped entries unless one is full (a lone
     * write on an idle leader never waits). Each entry costs CPU on every replica whatever it
     * carries; see Proposer and docs/performance.md for the figures behind the value.
     */
    public static final int RAFT_GROUP_LINGER_MS = 10;
    /**
     * Below the busy rate, under the linger, a group goes out once no write has arrived for this
     * long. Closed-loop bursts end sooner, once the clients the last entries answered have written
     * again; this is the wait for the other writes (see Proposer; docs/performance.md, round 23).
     */
    public static final Duration RAFT_GROUP_QUIET = Duration.ofMillis(3);
    /**
     * Once writes come faster than {@link #RAFT_BUSY_WRITES_PER_SECOND}, the pause that ends the
     * linger is six mean gaps between arrivals, at least this and at most
     * {@link #RAFT_BUSY_GROUP_QUIET}: a closed-loop burst, whose writes come back to back, ends after this.
     */
    public static final Duration RAFT_BUSY_MIN_GROUP_QUIET = Duration.ofMillis(1);
    /**
     * The longest pause that ends the linger in a busy stream: at 2,000 independent writes/s, 1 ms
     * gaps came by chance every few milliseconds and cut entries short (docs/performance.md, round 10).
     */
    public static final Duration RAFT_BUSY_GROUP_QUIET = Duration.ofMillis(3);
    /** From this rate of writes on (measured over the last entry), the longer quiet time applies. */
    public static final int RAFT_BUSY_WRITES_PER_SECOND = 1_000;
    /** Encoded commands in one grouped entry at most (64 messages of 4 KiB). */
    public static final int RAFT_MAX_BYTES_PER_ENTRY = 256 * 1024;

    /** A node's Prometheus endpoint listens on its API port plus this, unless the cluster file sets metricsPort. */
    public static final int METRICS_PORT_OFFSET = 1000;

    /** The metrics port of a node whose cluster-file entry has no metricsPort. */
    public static int metricsPort(int apiPort) {
        return apiPort + METRICS_PORT_OFFSET;
    }

    /** A node's log file rolls over daily and when it reaches this size (logback size syntax). */
    public static final String LOG_FILE_MAX_SIZE = "50MB";
    /** Rolled log files older than this many days are deleted. */
    public static final int LOG_MAX_HISTORY_DAYS = 7;
    /** Rolled log files of one node never take more than this in total (the oldest go first). */
    public static final String LOG_TOTAL_SIZE_CAP = "1GB";

    public static final int MAX_MESSAGE_BYTES = 4096;
    public static final int MAX_NAME_LENGTH = 32;
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 64;
    public static final int MAX_HISTORY_PAGE = 1000;
    public static final int DEFAULT_HISTORY_PAGE = 50;
    public static final int MAX_INBOUND_GRPC_BYTES = 64 * 1024;
    public static final int MAX_PENDING_PROPOSALS = 16_384;
    public static final int MAX_SUBSCRIPTIONS_PER_NODE = 10_000;
    /** A client streams the conversations it shows, a few at a time, and maybe a work queue or two. */
    public static final int MAX_SUBSCRIPTIONS_PER_SESSION = 16;
    /** Four devices' worth of sessions at the per-session cap; a node's 10,000 then need 150 users or more. */
    public static final int MAX_SUBSCRIPTIONS_PER_USER = 64;
    public static final int MAX_ROOMS_PER_USER = 100;
    public static final int MAX_MEMBERS_PER_ROOM = 1_000;
    /** Generous for people typing; a bench or script spreads its load over several sessions. */
    public static final int MAX_REQUESTS_PER_SECOND_PER_SESSION = 500;
    public static final int MAX_DESCRIPTION_LENGTH = 256;
    /** Longest search phrase and away message, in characters. */
    public static final int MAX_SEARCH_PHRASE_LENGTH = 256;
    public static final int MAX_AWAY_MESSAGE_LENGTH = 256;
    /** One search call reads at most this many messages; the answer says where to go on (bounded work per read). */
    public static final int MAX_SEARCH_SCANNED_MESSAGES = 10_000;
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
    /** Work queues: unacknowledged messages a consumer holds at most, when it does not say (RabbitMQ's fair dispatch). */
    public static final int QUEUE_PREFETCH = 1;
    /** The most a consumer may ask to hold. */
    public static final int QUEUE_MAX_PREFETCH = 100;
    /** A queue delivery not acknowledged within this long goes to another consumer, unless the queue says otherwise. */
    public static final Duration QUEUE_ACK_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration QUEUE_MIN_ACK_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration QUEUE_MAX_ACK_TIMEOUT = Duration.ofHours(1);
    /** Deliveries of one queue message before it goes to the dead-letter room, unless the queue says otherwise. */
    public static final int QUEUE_MAX_DELIVERIES = 5;
    public static final int QUEUE_MAX_DELIVERIES_LIMIT = 100;
    /** How often the leader looks for queue deliveries past their ack deadline: the timeout's precision. */
    public static final Duration QUEUE_EXPIRY_CHECK_INTERVAL = Duration.ofMillis(250);

    /** Wrong passwords in a row for one username from one client address before that pair is locked out. */
    public static final int LOGIN_FREE_FAILURES = 5;
    /** Wrong passwords from one client address, across usernames, before the address is locked out. */
    public static final int LOGIN_FREE_FAILURES_PER_ADDRESS = 20;
    /** A login failure record with no new failure for this long is forgotten. */
    public static final java.time.Duration LOGIN_FAILURES_FORGET_AFTER = java.time.Duration.ofMinutes(15);
    /** At most this many login failure records in the replicated state (about 50 bytes each). */
    public static final int LOGIN_FAILURE_RECORDS_MAX = 100_000;
    /** The first lockout after the free failures; each further failure doubles it, up to the max. */
    public static final java.time.Duration LOGIN_LOCKOUT_BASE = java.time.Duration.ofSeconds(1);
    public static final java.time.Duration LOGIN_LOCKOUT_MAX = java.time.Duration.ofMinutes(5);
    /** Three missed heartbeats and a session goes offline. */
    public static final int PRESENCE_TIMEOUT_MS = 30_000;
    /**
     * A day: a client retrying a write with the same idempotency key within a day gets the original
     * result; its records (a few dozen bytes each, no message text) are pruned after that.
     */
    public static final int IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
    /** At most a week: records take space until they are pruned. */
    public static final int MAX_IDEMPOTENCY_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
    /** A session ends after this long without a login or heartbeat (a chat client heartbeats every 10 s). */
    public static final java.time.Duration SESSION_IDLE_TIMEOUT = java.time.Duration.ofDays(7);
    /** A session ends this long after its login however active it is: a leaked token does not live forever. */
    public static final java.time.Duration SESSION_MAX_LIFETIME = java.time.Duration.ofDays(30);
    /** Live sessions per user; a login beyond it ends the least recently active other one. */
    public static final int MAX_SESSIONS_PER_USER = 20;
    /** The leader looks for expired sessions at least this often (more often for short lifetimes). */
    public static final java.time.Duration SESSION_EXPIRY_CHECK_MAX = java.time.Duration.ofMinutes(1);
    /** Bytes of randomness in a session token (before base64url). */
    public static final int SESSION_TOKEN_BYTES = 32;
    /**
     * Calls without a session (register, log in, cluster status, a session token this node must ask the
     * leader about) one client IP address may make per second on one node; a burst of one second's worth.
     * Far above what people behind one address type, far below what the password pool can hash.
     */
    public static final int MAX_UNAUTHENTICATED_CALLS_PER_SECOND_PER_ADDRESS = 50;
    /** Threads that hash and check passwords: the slow work of register, login and password changes. */
    public static final int PASSWORD_WORK_THREADS = 2;
    /** Password jobs waiting for those threads at most (about a second's work); beyond, RESOURCE_EXHAUSTED. */
    public static final int PASSWORD_WORK_QUEUE = 32;
    /** The retry delay a refusal for a full password queue suggests. */
    public static final java.time.Duration PASSWORD_WORK_RETRY_DELAY = java.time.Duration.ofMillis(500);
}
