package org.raftchat.cli;

import org.raftchat.client.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "nick", mixinStandardHelpOptions = true, description = "Change your display nickname (unique).")
final class NickCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NICKNAME")
    String nickname;

    @Override
    int run(ChatClient client) {
        String now = client.setNickname(nickname).getNickname();
        output().result(new Nickname(now), "nickname " + now);
        return ExitCodes.OK;
    }

    record Nickname(String nickname) { }
}
