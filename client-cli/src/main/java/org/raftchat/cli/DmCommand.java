package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ChatMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dm", mixinStandardHelpOptions = true,
        description = "Send a private message as yourself; prints @you,recipient seq=N.")
final class DmCommand extends ClientCommand {

    @Option(names = "--to", required = true, paramLabel = "USER")
    String to;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The message; words are joined with spaces.")
    List<String> words;

    @Override
    int run(ChatClient client) {
        ChatMessage m = client.sendDirectMessage(to, String.join(" ", words));
        output().result(JsonViews.Message.of(m), ConversationRefs.describe(ConversationRefs.direct(username, to)) + " seq=" + m.getSeq());
        return ExitCodes.OK;
    }
}
