package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.config.Defaults;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.SearchHistoryResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search a room you are in (ROOM) or your private conversation with a user (@USER) for a phrase,",
                "case-insensitive; deleted messages never match. Prints matches newest first, then, if there is more,",
                "the --before value that continues the search."})
final class SearchCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM|@USER")
    String target;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PHRASE", description = "Words are joined with spaces.")
    List<String> words;

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N matches (1.." + Defaults.MAX_HISTORY_PAGE + "; default " + Defaults.DEFAULT_HISTORY_PAGE + ").")
    Integer limit;

    @Option(names = "--before", paramLabel = "SEQ", description = "Only messages with seq < SEQ (to continue a search).")
    Long before;

    @Override
    void validate() {
        if (limit != null && (limit < 1 || limit > Defaults.MAX_HISTORY_PAGE)) {
            throw usage("--limit: must be in 1.." + Defaults.MAX_HISTORY_PAGE + ", got " + limit);
        }
        if (before != null && before < 1) {
            throw usage("--before: must be >= 1, got " + before);
        }
        if (target.equals("@") || target.equals("#")) {
            throw usage("ROOM|@USER: name a room or @user");
        }
    }

    @Override
    int run(ChatClient client) {
        ConversationRef conversation = target.startsWith("@") ? ConversationRefs.direct(username, target.substring(1))
                : ConversationRefs.room(target.startsWith("#") ? target.substring(1) : target);
        SearchHistoryResponse page = client.search(conversation, String.join(" ", words), before == null ? 0 : before,
                limit == null ? 0 : limit);
        long next = page.getNextBeforeSeq();
        output().result(new Matches(ConversationRefs.describe(ConversationRefs.canonical(conversation)),
                JsonViews.Message.of(page.getMessagesList()), next == 0 ? null : next), out -> {
            for (ChatMessage m : page.getMessagesList()) {
                out.println(MessageLines.format(m, root.context().zone()));
            }
            if (next != 0) {
                out.println("(more: --before " + next + ")");
            }
        });
        return ExitCodes.OK;
    }

    /** Matches newest first; {@code nextBefore} continues the search (absent when it reached the first message). */
    record Matches(String conversation, List<JsonViews.Message> messages, Long nextBefore) { }
}
