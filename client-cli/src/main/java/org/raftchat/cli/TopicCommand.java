package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "topic", mixinStandardHelpOptions = true,
        description = "Set a room's topic (its description): owner only. Members see it in 'raftchat rooms' and when they join.")
final class TopicCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ROOM")
    String room;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The topic; words are joined with spaces.")
    List<String> words;

    @Override
    int run(ChatClient client) {
        String topic = client.setTopic(room, String.join(" ", words)).getDescription();
        output().result(new Topic(room, topic), "topic of #" + room + ": " + topic);
        return ExitCodes.OK;
    }

    record Topic(String room, String topic) { }
}
