package org.raftchat.cli.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.raftchat.cli.interactive.SlashCommand.FriendsAction;
import org.raftchat.client.ChatClient;

class SlashCommandsTest {

    @Test
    void plainTextIsSaidAndBlankIsNothing() {
        // Goal: anything not starting with a slash is posted as typed (trimmed); "//" escapes a leading slash.
        assertThat(SlashCommands.parse("  hello world ")).isEqualTo(new SlashCommand.Say("hello world"));
        assertThat(SlashCommands.parse("//quit is a command")).isEqualTo(new SlashCommand.Say("/quit is a command"));
        assertThat(SlashCommands.parse("   ")).isEqualTo(new SlashCommand.Nothing());
    }

    @Test
    void everyCommandParsesItsArguments() {
        // Goal: each slash command of the issue maps to its record with its arguments.
        assertThat(SlashCommands.parse("/join lobby")).isEqualTo(new SlashCommand.Join("lobby"));
        assertThat(SlashCommands.parse("/part")).isEqualTo(new SlashCommand.Part(Optional.empty()));
        assertThat(SlashCommands.parse("/part lobby")).isEqualTo(new SlashCommand.Part(Optional.of("lobby")));
        assertThat(SlashCommands.parse("/create dev  where we  build")).isEqualTo(new SlashCommand.Create("dev", "where we  build"));
        assertThat(SlashCommands.parse("/create dev")).isEqualTo(new SlashCommand.Create("dev", ""));
        assertThat(SlashCommands.parse("/delete dev")).isEqualTo(new SlashCommand.Delete("dev"));
        assertThat(SlashCommands.parse("/list")).isEqualTo(new SlashCommand.ListRooms());
        assertThat(SlashCommands.parse("/who")).isEqualTo(new SlashCommand.Who(Optional.empty()));
        assertThat(SlashCommands.parse("/msg bob see  you")).isEqualTo(new SlashCommand.Msg("bob", "see  you"));
        assertThat(SlashCommands.parse("/query bob")).isEqualTo(new SlashCommand.Query("bob"));
        assertThat(SlashCommands.parse("/nick Annie")).isEqualTo(new SlashCommand.Nick("Annie"));
        assertThat(SlashCommands.parse("/friends")).isEqualTo(new SlashCommand.Friends(FriendsAction.LIST, Optional.empty()));
        assertThat(SlashCommands.parse("/friends add bob")).isEqualTo(new SlashCommand.Friends(FriendsAction.ADD, Optional.of("bob")));
        assertThat(SlashCommands.parse("/friends remove bob"))
                .isEqualTo(new SlashCommand.Friends(FriendsAction.REMOVE, Optional.of("bob")));
        assertThat(SlashCommands.parse("/online")).isEqualTo(new SlashCommand.Online());
        assertThat(SlashCommands.parse("/history")).isEqualTo(new SlashCommand.History(SlashCommands.HISTORY_DEFAULT));
        assertThat(SlashCommands.parse("/history 5")).isEqualTo(new SlashCommand.History(5));
        assertThat(SlashCommands.parse("/unread")).isEqualTo(new SlashCommand.Unread());
        assertThat(SlashCommands.parse("/edit 12 fixed  text")).isEqualTo(new SlashCommand.Edit(12, "fixed  text"));
        assertThat(SlashCommands.parse("/edit [12] fixed")).isEqualTo(new SlashCommand.Edit(12, "fixed"));
        assertThat(SlashCommands.parse("/del 3")).isEqualTo(new SlashCommand.Del(3));
        assertThat(SlashCommands.parse("/HELP")).isEqualTo(new SlashCommand.Help());
        assertThat(SlashCommands.parse("/quit")).isEqualTo(new SlashCommand.Quit());
    }

    @Test
    void moderationAwayAndSearchCommandsParse() {
        // Goal: the moderation, away and search commands map to their records; /away alone means back.
        assertThat(SlashCommands.parse("/topic  release  planning ")).isEqualTo(new SlashCommand.Topic("release  planning"));
        assertThat(SlashCommands.parse("/inviteonly ON")).isEqualTo(new SlashCommand.InviteOnly(true));
        assertThat(SlashCommands.parse("/inviteonly off")).isEqualTo(new SlashCommand.InviteOnly(false));
        assertThat(SlashCommands.parse("/invite bob")).isEqualTo(new SlashCommand.Moderate(ChatClient.Moderation.INVITE, "bob"));
        assertThat(SlashCommands.parse("/kick bob")).isEqualTo(new SlashCommand.Moderate(ChatClient.Moderation.KICK, "bob"));
        assertThat(SlashCommands.parse("/ban bob")).isEqualTo(new SlashCommand.Moderate(ChatClient.Moderation.BAN, "bob"));
        assertThat(SlashCommands.parse("/unban bob")).isEqualTo(new SlashCommand.Moderate(ChatClient.Moderation.UNBAN, "bob"));
        assertThat(SlashCommands.parse("/away gone  fishing")).isEqualTo(new SlashCommand.Away("gone  fishing"));
        assertThat(SlashCommands.parse("/away")).isEqualTo(new SlashCommand.Away(""));
        assertThat(SlashCommands.parse("/search the deploy")).isEqualTo(new SlashCommand.Search("the deploy"));

        assertThat(SlashCommands.parse("/topic")).isEqualTo(new SlashCommand.Invalid("usage: /topic TEXT"));
        assertThat(SlashCommands.parse("/inviteonly maybe")).isEqualTo(new SlashCommand.Invalid("usage: /inviteonly on|off"));
        assertThat(SlashCommands.parse("/kick")).isEqualTo(new SlashCommand.Invalid("usage: /kick USER"));
        assertThat(SlashCommands.parse("/ban a b")).isEqualTo(new SlashCommand.Invalid("usage: /ban USER"));
        assertThat(SlashCommands.parse("/search")).isEqualTo(new SlashCommand.Invalid("usage: /search PHRASE"));
    }

    @Test
    void badArgumentsSayHowToTypeTheCommand() {
        // Goal: a malformed command is not sent anywhere; the user gets its usage line.
        assertThat(SlashCommands.parse("/join")).isEqualTo(new SlashCommand.Invalid("usage: /join ROOM"));
        assertThat(SlashCommands.parse("/j a b")).isEqualTo(new SlashCommand.Invalid("usage: /join ROOM"));
        assertThat(SlashCommands.parse("/msg bob")).isEqualTo(new SlashCommand.Invalid("usage: /msg USER TEXT"));
        assertThat(SlashCommands.parse("/edit x text")).isEqualTo(new SlashCommand.Invalid("usage: /edit SEQ TEXT"));
        assertThat(SlashCommands.parse("/del 0")).isEqualTo(new SlashCommand.Invalid("usage: /del SEQ"));
        assertThat(SlashCommands.parse("/history 0")).isEqualTo(new SlashCommand.Invalid("usage: /history [N]"));
        assertThat(SlashCommands.parse("/friends hug bob")).isEqualTo(new SlashCommand.Invalid("usage: /friends [add|remove USER]"));
        assertThat(SlashCommands.parse("/dance")).isInstanceOfSatisfying(SlashCommand.Invalid.class,
                i -> assertThat(i.message()).startsWith("unknown command /dance"));
    }
}
