package org.raftchat.cli;

import java.util.List;
import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "away", mixinStandardHelpOptions = true,
        description = "Set your away message, shown by 'online', 'friends' and /who; without a message you are back (not away).")
final class AwayCommand extends ClientCommand {

    @Parameters(arity = "0..*", paramLabel = "MESSAGE", description = "Why you are away; words are joined with spaces.")
    List<String> words;

    @Override
    int run(ChatClient client) {
        String message = client.setAway(words == null ? "" : String.join(" ", words)).getMessage();
        output().result(new Away(message.isEmpty() ? null : message), message.isEmpty() ? "back" : "away: " + message);
        return ExitCodes.OK;
    }

    /** {@code message} is absent when you are back. */
    record Away(String message) { }
}
