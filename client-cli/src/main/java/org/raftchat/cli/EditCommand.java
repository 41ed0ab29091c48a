package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ChatMessage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "edit", mixinStandardHelpOptions = true,
        description = "Replace the text of one of your messages; history shows the new text marked (edited).")
final class EditCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConversationOption conversation;

    @Option(names = "--seq", required = true, paramLabel = "N", description = "The message's seq.")
    long seq;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The new text; words are joined with spaces.")
    List<String> words;

    @Override
    int run(ChatClient client) {
        ChatMessage event = client.editMessage(conversation.ref(spec), seq, String.join(" ", words));
        output().result(JsonViews.Message.of(event),
                "edited [" + seq + "] in " + ConversationRefs.describe(event.getConversation()) + " seq=" + event.getSeq());
        return ExitCodes.OK;
    }
}
