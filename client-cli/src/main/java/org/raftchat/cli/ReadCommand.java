package org.raftchat.cli;

import java.util.List;
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
                .filter(c -> c.getConversation().equals(org.raftchat.cli.Conversations.canonical(ref)))
                .mapToLong(UnreadCount::getReadSeq).findFirst().orElse(0);
        long last = readSeq;
        while (true) {
            ReadHistoryResponse page = client.readHistory(ref, HistoryAnchor.after(last), 0);
            List<ChatMessage> messages = page.getMessagesList();
            if (messages.isEmpty()) {
                break;
            }
            messages.forEach(m -> out().println(MessageLines.format(m, root.context().zone())));
            last = messages.get(messages.size() - 1).getSeq();
        }
        if (last > readSeq) {
            client.markRead(ref, last);
        } else {
            out().println("nothing unread in " + Conversations.describe(ref));
        }
        return ExitCodes.OK;
    }
}
