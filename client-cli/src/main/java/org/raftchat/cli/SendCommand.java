package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import org.raftchat.proto.v1.ChatMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", mixinStandardHelpOptions = true, description = "Post a message to a room; prints #room seq=N.")
final class SendCommand extends ClientCommand {

    @Option(names = "--room", required = true, paramLabel = "ROOM")
    String room;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The message; words are joined with spaces.")
    List<String> words;

    @Override
    int run(ChatClient client) {
        ChatMessage m = client.postRoomMessage(room, String.join(" ", words));
        output().result(JsonViews.Message.of(m), "#" + room + " seq=" + m.getSeq());
        return ExitCodes.OK;
    }
}
