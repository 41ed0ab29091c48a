package org.raftchat.cli;

import java.util.ArrayList;
import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.client.HistoryAnchor;
import org.raftchat.proto.v1.ChatMessage;
import org.raftchat.proto.v1.ConversationRef;
import org.raftchat.proto.v1.ReadHistoryResponse;
import org.raftchat.proto.v1.UnreadCount;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print what is unread in a conversation, oldest first, from your read position, and mark it read. "
                + "Shown once: the next 'read' starts after it.")
final class ReadCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConversationOption conversation;

    @Override
    int run(ChatClient client) {
        ConversationRef ref = conversation.ref(spec);
        long readSeq = client.unread().getConversationsList().stream()
                .filter(c -> c.getConversation().equals(org.raftchat.client.ConversationRefs.canonical(ref)))
                .mapToLong(UnreadCount::getReadSeq).findFirst().orElse(0);
        long last = readSeq;
        List<ChatMessage> unread = new ArrayList<>();
        while (true) {
            ReadHistoryResponse page = client.readHistory(ref, HistoryAnchor.after(last), 0);
            List<ChatMessage> messages = page.getMessagesList();
            if (messages.isEmpty()) {
                break;
            }
            unread.addAll(messages);
            last = messages.get(messages.size() - 1).getSeq();
        }
        if (last > readSeq) {
            client.markRead(ref, last);
        }
        Read result = new Read(ConversationRefs.describe(ConversationRefs.canonical(ref)), last, JsonViews.Message.of(unread));
        output().result(result, out -> {
            unread.forEach(m -> out.println(MessageLines.format(m, root.context().zone())));
            if (unread.isEmpty()) {
                out.println("nothing unread in " + ConversationRefs.describe(ref));
            }
        });
        return ExitCodes.OK;
    }

    /** What was unread, oldest first; {@code readSeq} is the read position afterwards. */
    record Read(String conversation, long readSeq, List<JsonViews.Message> messages) { }
}
