package org.raftchat.cli;

import java.io.PrintWriter;
import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.UnreadCount;
import picocli.CommandLine.Command;

@Command(name = "unread", mixinStandardHelpOptions = true,
        description = "Per conversation with unread messages: its name, how many, and the seq to read after.")
final class UnreadCommand extends ClientCommand {

    @Override
    int run(ChatClient client) {
        List<UnreadCount> counts = client.unread().getConversationsList();
        output().result(new Unread(JsonViews.Unread.of(counts)), out -> print(out, counts));
        return ExitCodes.OK;
    }

    /** Only the conversations with something unread. */
    record Unread(List<JsonViews.Unread> conversations) { }

    static void print(PrintWriter out, List<UnreadCount> counts) {
        List<UnreadCount> unread = counts.stream().filter(c -> c.getUnread() > 0).toList();
        if (unread.isEmpty()) {
            out.println("nothing unread");
        }
        for (UnreadCount c : unread) {
            out.println(ConversationRefs.describe(c.getConversation()) + " " + c.getUnread() + " unread (after seq " + c.getReadSeq() + ")");
        }
    }
}
