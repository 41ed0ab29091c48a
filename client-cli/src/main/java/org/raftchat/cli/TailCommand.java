package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.client.Subscription;
import org.raftchat.proto.v1.ConversationRef;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Follow a conversation live, through node failures, until Ctrl-C or --count messages. "
                + "With --output json: one JSON object per message per line (NDJSON).")
final class TailCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConversationOption conversation;

    @Option(names = "--after", paramLabel = "SEQ",
            description = "Start with the messages after SEQ (0: from the beginning). Default: only new messages.")
    Long after;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N messages.")
    Integer count;

    @Override
    void validate() {
        if (after != null && after < 0) {
            throw usage("--after: must be >= 0, got " + after);
        }
        if (count != null && count < 1) {
            throw usage("--count: must be >= 1, got " + count);
        }
    }

    @Override
    int run(ChatClient client) throws InterruptedException {
        ConversationRef ref = conversation.ref(spec);
        long start = after != null ? after : client.readHistory(ref, HistoryAnchor.latest(), 1).getLastSeq();
        SubscriptionEvents events = new SubscriptionEvents();
        try (Subscription ignored = client.subscribe(ref, start, events)) {
            int printed = 0;
            while (count == null || printed < count) {
                SubscriptionEvents.Event event = events.take();
                if (event instanceof SubscriptionEvents.Message m) {
                    output().result(JsonViews.Message.of(m.message()), MessageLines.format(m.message(), root.context().zone()));
                    printed++;
                } else if (event instanceof SubscriptionEvents.StatusChange s) {
                    output().notice(s.status());
                } else if (event instanceof SubscriptionEvents.Failure f) {
                    throw f.error();
                }
            }
        }
        return ExitCodes.OK;
    }
}
