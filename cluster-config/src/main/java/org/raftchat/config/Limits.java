package org.raftchat.config;

import java.util.function.Consumer;

/**
 * Every size the system accepts has a limit; these are checked before a command is proposed,
 * so nothing over a limit ever enters the log.
 *
 * @param maxMessageBytes       longest message text, in UTF-8 bytes
 * @param maxNameLength         longest room or user name, in characters
 * @param maxIdempotencyKeyLength longest client idempotency key, in characters
 * @param maxHistoryPage        most messages one history read returns
 * @param defaultHistoryPage    messages a history read returns when it asks for no limit
 * @param maxInboundGrpcBytes   largest gRPC request a node accepts
 * @param maxPendingProposals   proposals a leader holds in its apply queue before it answers RESOURCE_EXHAUSTED
 * @param maxSubscriptionsPerNode server streams one node serves at once
 * @param maxRoomsPerUser       rooms one user may be in besides MainHall (creating one counts)
 * @param maxMembersPerRoom     members a room may have (MainHall excepted: every user is in it)
 * @param maxRequestsPerSecondPerSession calls one session may make per second, on one node, before RESOURCE_EXHAUSTED
 * @param maxDescriptionLength  longest room description, in characters
 * @param presenceTimeoutMs     a session without a heartbeat for this long goes offline (the leader's
 *                              presence tick runs every sixth of it)
 * @param idempotencyWindowMs   how long (leader time) a user's idempotency key stays bound to its request
 *                              and result; a retry after that is a new request. The leader stamps it into
 *                              each keyed command, so changing it affects only later commands
 * @param loginThrottling       how wrong passwords are counted and locked out
 * @param maxSubscriptionsPerSession server streams (Subscribe and StreamQueue) one session may hold open on one node
 * @param maxSubscriptionsPerUser server streams one user may hold open on one node, over all their sessions;
 *                              at least maxSubscriptionsPerSession
 * @param maxUnauthenticatedCallsPerSecondPerAddress calls without a session (register, log in, cluster
 *                              status, a token this node cannot check without a read barrier) one client
 *                              IP address may make per second on one node before RESOURCE_EXHAUSTED
 */
public record Limits(
        int maxMessageBytes,
        int maxNameLength,
        int maxIdempotencyKeyLength,
        int maxHistoryPage,
        int defaultHistoryPage,
        int maxInboundGrpcBytes,
        int maxPendingProposals,
        int maxSubscriptionsPerNode,
        int maxRoomsPerUser,
        int maxMembersPerRoom,
        int maxRequestsPerSecondPerSession,
        int maxDescriptionLength,
        int presenceTimeoutMs,
        int idempotencyWindowMs,
        LoginThrottling loginThrottling,
        int maxSubscriptionsPerSession,
        int maxSubscriptionsPerUser,
        int maxUnauthenticatedCallsPerSecondPerAddress) {

    public Limits {
        requirePositive("maxMessageBytes", maxMessageBytes);
        requirePositive("maxNameLength", maxNameLength);
        requirePositive("maxIdempotencyKeyLength", maxIdempotencyKeyLength);
        requirePositive("maxHistoryPage", maxHistoryPage);
        requirePositive("defaultHistoryPage", defaultHistoryPage);
        requirePositive("maxInboundGrpcBytes", maxInboundGrpcBytes);
        requirePositive("maxPendingProposals", maxPendingProposals);
        requirePositive("maxSubscriptionsPerNode", maxSubscriptionsPerNode);
        requirePositive("maxRoomsPerUser", maxRoomsPerUser);
        requirePositive("maxMembersPerRoom", maxMembersPerRoom);
        requirePositive("maxRequestsPerSecondPerSession", maxRequestsPerSecondPerSession);
        requirePositive("maxDescriptionLength", maxDescriptionLength);
        requirePositive("presenceTimeoutMs", presenceTimeoutMs);
        requirePositive("idempotencyWindowMs", idempotencyWindowMs);
        java.util.Objects.requireNonNull(loginThrottling, "loginThrottling");
        requirePositive("maxSubscriptionsPerSession", maxSubscriptionsPerSession);
        requirePositive("maxSubscriptionsPerUser", maxSubscriptionsPerUser);
        if (maxSubscriptionsPerSession > maxSubscriptionsPerUser) {
            throw new IllegalArgumentException("limits.maxSubscriptionsPerSession: must not exceed maxSubscriptionsPerUser ("
                    + maxSubscriptionsPerUser + ")");
        }
        requirePositive("maxUnauthenticatedCallsPerSecondPerAddress", maxUnauthenticatedCallsPerSecondPerAddress);
        if (defaultHistoryPage > maxHistoryPage) {
            throw new IllegalArgumentException("limits.defaultHistoryPage: must not exceed maxHistoryPage (" + maxHistoryPage + ")");
        }
        if (maxInboundGrpcBytes < maxMessageBytes + 4096) {
            throw new IllegalArgumentException("limits.maxInboundGrpcBytes: must exceed maxMessageBytes by at least 4096");
        }
    }

    public static Limits defaults() {
        return new Limits(
                Defaults.MAX_MESSAGE_BYTES,
                Defaults.MAX_NAME_LENGTH,
                Defaults.MAX_IDEMPOTENCY_KEY_LENGTH,
                Defaults.MAX_HISTORY_PAGE,
                Defaults.DEFAULT_HISTORY_PAGE,
                Defaults.MAX_INBOUND_GRPC_BYTES,
                Defaults.MAX_PENDING_PROPOSALS,
                Defaults.MAX_SUBSCRIPTIONS_PER_NODE,
                Defaults.MAX_ROOMS_PER_USER,
                Defaults.MAX_MEMBERS_PER_ROOM,
                Defaults.MAX_REQUESTS_PER_SECOND_PER_SESSION,
                Defaults.MAX_DESCRIPTION_LENGTH,
                Defaults.PRESENCE_TIMEOUT_MS,
                Defaults.IDEMPOTENCY_WINDOW_MS,
                LoginThrottling.defaults(),
                Defaults.MAX_SUBSCRIPTIONS_PER_SESSION,
                Defaults.MAX_SUBSCRIPTIONS_PER_USER,
                Defaults.MAX_UNAUTHENTICATED_CALLS_PER_SECOND_PER_ADDRESS);
    }

    /** These limits with another per-session request rate (tests tune it; the cluster file sets it otherwise). */
    public Limits withMaxRequestsPerSecondPerSession(int perSecond) {
        return copy(c -> c.maxRequestsPerSecondPerSession = perSecond);
    }

    /** These limits with another presence timeout. */
    public Limits withPresenceTimeoutMs(int timeoutMs) {
        return copy(c -> c.presenceTimeoutMs = timeoutMs);
    }

    /** These limits with another idempotency window (tests shorten it to see records pruned). */
    public Limits withIdempotencyWindowMs(int windowMs) {
        return copy(c -> c.idempotencyWindowMs = windowMs);
    }

    /** These limits with another login throttle. */
    public Limits withLoginThrottling(LoginThrottling throttling) {
        return copy(c -> c.loginThrottling = throttling);
    }

    /** These limits with other per-session and per-user stream caps (tests lower them). */
    public Limits withSubscriptionsPerSessionAndUser(int perSession, int perUser) {
        return copy(c -> {
            c.maxSubscriptionsPerSession = perSession;
            c.maxSubscriptionsPerUser = perUser;
        });
    }

    /** These limits with another budget of calls without a session per client address (tests lower it). */
    public Limits withMaxUnauthenticatedCallsPerSecondPerAddress(int perSecond) {
        return copy(c -> c.maxUnauthenticatedCallsPerSecondPerAddress = perSecond);
    }

    /** A copy with {@code change} applied, checked by the constructor like any other limits. */
    private Limits copy(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /**
     * The fields of a {@link Limits} being copied, settable one by one: the with-methods name only what they
     * change, and a new field is added here (and in {@link #build}) once rather than in every with-method.
     */
    private static final class Copy {
        int maxMessageBytes;
        int maxNameLength;
        int maxIdempotencyKeyLength;
        int maxHistoryPage;
        int defaultHistoryPage;
        int maxInboundGrpcBytes;
        int maxPendingProposals;
        int maxSubscriptionsPerNode;
        int maxRoomsPerUser;
        int maxMembersPerRoom;
        int maxRequestsPerSecondPerSession;
        int maxDescriptionLength;
        int presenceTimeoutMs;
        int idempotencyWindowMs;
        LoginThrottling loginThrottling;
        int maxSubscriptionsPerSession;
        int maxSubscriptionsPerUser;
        int maxUnauthenticatedCallsPerSecondPerAddress;

        Copy(Limits from) {
            maxMessageBytes = from.maxMessageBytes;
            maxNameLength = from.maxNameLength;
            maxIdempotencyKeyLength = from.maxIdempotencyKeyLength;
            maxHistoryPage = from.maxHistoryPage;
            defaultHistoryPage = from.defaultHistoryPage;
            maxInboundGrpcBytes = from.maxInboundGrpcBytes;
            maxPendingProposals = from.maxPendingProposals;
            maxSubscriptionsPerNode = from.maxSubscriptionsPerNode;
            maxRoomsPerUser = from.maxRoomsPerUser;
            maxMembersPerRoom = from.maxMembersPerRoom;
            maxRequestsPerSecondPerSession = from.maxRequestsPerSecondPerSession;
            maxDescriptionLength = from.maxDescriptionLength;
            presenceTimeoutMs = from.presenceTimeoutMs;
            idempotencyWindowMs = from.idempotencyWindowMs;
            loginThrottling = from.loginThrottling;
            maxSubscriptionsPerSession = from.maxSubscriptionsPerSession;
            maxSubscriptionsPerUser = from.maxSubscriptionsPerUser;
            maxUnauthenticatedCallsPerSecondPerAddress = from.maxUnauthenticatedCallsPerSecondPerAddress;
        }

        Limits build() {
            return new Limits(maxMessageBytes, maxNameLength, maxIdempotencyKeyLength, maxHistoryPage, defaultHistoryPage,
                    maxInboundGrpcBytes, maxPendingProposals, maxSubscriptionsPerNode, maxRoomsPerUser, maxMembersPerRoom,
                    maxRequestsPerSecondPerSession, maxDescriptionLength, presenceTimeoutMs, idempotencyWindowMs,
                    loginThrottling, maxSubscriptionsPerSession, maxSubscriptionsPerUser,
                    maxUnauthenticatedCallsPerSecondPerAddress);
        }
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("limits." + field + ": must be > 0, got " + value);
        }
    }
}
