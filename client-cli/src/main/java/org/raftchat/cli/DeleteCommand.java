package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ChatMessage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete one of your messages; history shows it as (deleted).")
final class DeleteCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConversationOption conversation;

    @Option(names = "--seq", required = true, paramLabel = "N", description = "The message's seq.")
    long seq;

    @Override
    int run(ChatClient client) {
        ChatMessage event = client.deleteMessage(conversation.ref(spec), seq);
        output().result(JsonViews.Message.of(event),
                "deleted [" + seq + "] in " + ConversationRefs.describe(event.getConversation()) + " seq=" + event.getSeq());
        return ExitCodes.OK;
    }
}
