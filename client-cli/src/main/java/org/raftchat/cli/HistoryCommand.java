package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryResponse;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print a page of a conversation, oldest first: [seq] HH:mm:ss author: text.")
final class HistoryCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConversationOption conversation;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Anchor anchor;

    static final class Anchor {
        @Option(names = "--before", required = true, paramLabel = "SEQ", description = "The newest messages with seq < SEQ.")
        Long before;

        @Option(names = "--after", required = true, paramLabel = "SEQ", description = "The oldest messages with seq > SEQ.")
        Long after;
    }

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N messages (1.." + Defaults.MAX_HISTORY_PAGE + "; default " + Defaults.DEFAULT_HISTORY_PAGE + ").")
    Integer limit;

    @Override
    void validate() {
        if (limit != null && (limit < 1 || limit > Defaults.MAX_HISTORY_PAGE)) {
            throw usage("--limit: must be in 1.." + Defaults.MAX_HISTORY_PAGE + ", got " + limit);
        }
        if (anchor != null && anchor.before != null && anchor.before < 1) {
            throw usage("--before: must be >= 1, got " + anchor.before);
        }
        if (anchor != null && anchor.after != null && anchor.after < 0) {
            throw usage("--after: must be >= 0, got " + anchor.after);
        }
    }

    @Override
    int run(ChatClient client) {
        ConversationRef ref = conversation.ref(spec);
        ReadHistoryResponse page = client.readHistory(ref, anchor(), limit == null ? 0 : limit);
        Page result = new Page(ConversationRefs.describe(ConversationRefs.canonical(ref)), page.getLastSeq(),
                JsonViews.Message.of(page.getMessagesList()));
        output().result(result, out -> {
            for (ChatMessage m : page.getMessagesList()) {
                out.println(MessageLines.format(m, root.context().zone()));
            }
        });
        return ExitCodes.OK;
    }

    /** A page of history, oldest first; {@code lastSeq} is the conversation's newest seq at the time of the read. */
    record Page(String conversation, long lastSeq, List<JsonViews.Message> messages) { }

    private HistoryAnchor anchor() {
        if (anchor == null) {
            return HistoryAnchor.latest();
        }
        return anchor.before != null ? HistoryAnchor.before(anchor.before) : HistoryAnchor.after(anchor.after);
    }
}
