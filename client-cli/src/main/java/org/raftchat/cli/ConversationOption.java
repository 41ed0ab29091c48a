package org.raftchat.cli;

import java.util.Arrays;
import java.util.List;
import org.raftchat.client.ConversationRefs;
import org.raftchat.proto.v1.ConversationRef;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which conversation a command reads: {@code --room ROOM} or {@code --dm USER,USER} (use in an exclusive ArgGroup). */
final class ConversationOption {

    @Option(names = "--room", paramLabel = "ROOM", required = true, description = "A room.")
    String room;

    @Option(names = "--dm", paramLabel = "USER,USER", required = true,
            description = "The private conversation of two users, e.g. alice,bob.")
    String dm;

    ConversationRef ref(CommandSpec spec) {
        if (room != null) {
            return ConversationRefs.room(room);
        }
        List<String> users = Arrays.stream(dm.split(",", -1)).map(String::strip).toList();
        if (users.size() != 2 || users.get(0).isEmpty() || users.get(1).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--dm: expected two users as USER,USER, got '" + dm + "'");
        }
        return ConversationRefs.direct(users.get(0), users.get(1));
    }
}
