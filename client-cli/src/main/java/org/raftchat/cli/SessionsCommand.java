package org.raftchat.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.SessionSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Your sessions: list them (never their tokens), or end one by its id. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = {"Your live sessions (one per device), or end one of them.",
                "  sessions              list: id, device, created, last active, when it ends; * marks this one",
                "  sessions revoke ID    end the session with this id (e.g. a lost device); see also 'logout --others'",
                "A session ends after its idle lifetime without use, after its absolute lifetime, on logout, "
                        + "revocation or a password change, or when a login beyond the per-user cap ends the least recently used."})
final class SessionsCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "revoke (omit to list)")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "For revoke: the session id 'sessions' lists.")
    String id;

    @Override
    void validate() {
        if (action == null) {
            if (id != null) {
                throw usage("an ID goes with 'revoke': sessions revoke ID");
            }
            return;
        }
        if (!action.equals("revoke")) {
            throw usage("ACTION: expected revoke (or nothing, to list), got '" + action + "'");
        }
        if (id == null) {
            throw usage("revoke needs the session's ID (see 'raftchat sessions')");
        }
    }

    @Override
    int run(ChatClient client) {
        if (action != null) {
            int ended = client.revokeSession(id);
            output().result(new Revoked(id, ended), "ended session " + id);
            return ExitCodes.OK;
        }
        List<SessionSummary> sessions = client.listSessions();
        output().result(new Listed(sessions.stream().map(Session::of).toList()), out -> print(out, sessions));
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, List<SessionSummary> sessions) {
        for (SessionSummary s : sessions) {
            out.println((s.getCurrent() ? "* " : "  ") + s.getId() + "  " + s.getDeviceId()
                    + "  created " + instant(s.getCreatedAtMs()) + "  last active " + instant(s.getLastActiveMs())
                    + endsBy(s));
        }
    }

    /** The earlier of the idle and the absolute deadline: when the session ends unless used again. */
    private static String endsBy(SessionSummary s) {
        long end = earliest(s.getIdleExpiresAtMs(), s.getExpiresAtMs());
        return end == 0 ? "" : "  ends by " + instant(end);
    }

    private static long earliest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    private static String instant(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    record Listed(List<Session> sessions) { }

    /**
     * One session as {@code --output json} prints it; times as epoch milliseconds and ISO-8601 (UTC);
     * a deadline of null means "never".
     */
    record Session(String id, String device, long createdAtMs, String created, long lastActiveMs, String lastActive,
                   Long idleExpiresAtMs, Long expiresAtMs, boolean online, boolean current) {
        static Session of(SessionSummary s) {
            return new Session(s.getId(), s.getDeviceId(), s.getCreatedAtMs(), instant(s.getCreatedAtMs()), s.getLastActiveMs(),
                    instant(s.getLastActiveMs()), s.getIdleExpiresAtMs() == 0 ? null : s.getIdleExpiresAtMs(),
                    s.getExpiresAtMs() == 0 ? null : s.getExpiresAtMs(), s.getOnline(), s.getCurrent());
        }
    }

    record Revoked(String id, int sessionsEnded) { }
}
