package org.raftchat.cli.interactive;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.raftchat.cli.interactive.SlashCommand.FriendsAction;
import org.raftchat.client.ChatClient;

/**
 * Parses a typed line into a {@link SlashCommand}. Pure: no I/O, so every form is unit-tested.
 * A line starting with {@code //} posts the rest with one slash (how to say "/quit" literally).
 */
public final class SlashCommands {

    /** Every command with its arguments and what it does, in the order /help lists them. */
    public static final List<Usage> USAGES = List.of(
            new Usage("/join", "ROOM", "join a room and switch to it"),
            new Usage("/part", "[ROOM]", "leave a room (default: the current one)"),
            new Usage("/create", "ROOM [DESCRIPTION]", "create a room, join it and switch to it"),
            new Usage("/delete", "ROOM", "delete a room you own"),
            new Usage("/list", "", "list rooms with member counts"),
            new Usage("/who", "[ROOM]", "members of a room (default: the current one)"),
            new Usage("/msg", "USER TEXT", "send a private message, stay where you are"),
            new Usage("/query", "USER", "switch to the private conversation with USER"),
            new Usage("/nick", "NAME", "set your display nickname"),
            new Usage("/friends", "[add|remove USER]", "list friends with online state, or change the list"),
            new Usage("/online", "", "who is online"),
            new Usage("/history", "[N]", "show N (default 20) older messages of this conversation"),
            new Usage("/unread", "", "unread counts per conversation, with how many name you"),
            new Usage("/search", "PHRASE", "find messages here containing PHRASE (newest first; again for older)"),
            new Usage("/away", "[MESSAGE]", "set your away message; /away alone: you are back"),
            new Usage("/topic", "TEXT", "set this room's topic (owner only)"),
            new Usage("/inviteonly", "on|off", "only invited users may join this room (owner only)"),
            new Usage("/invite", "USER", "let USER join this room (owner only)"),
            new Usage("/kick", "USER", "remove USER from this room (owner only)"),
            new Usage("/ban", "USER", "remove USER and keep them out (owner only)"),
            new Usage("/unban", "USER", "lift USER's ban (owner only)"),
            new Usage("/edit", "SEQ TEXT", "edit your message [SEQ] here"),
            new Usage("/del", "SEQ", "delete your message [SEQ] here"),
            new Usage("/help", "", "this list"),
            new Usage("/quit", "", "leave (also Ctrl-D)"));

    /** The default and the most messages one /history shows. */
    public static final int HISTORY_DEFAULT = 20;
    public static final int HISTORY_MAX = 1000;

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** How one command is typed, for /help and completion. */
    public record Usage(String command, String arguments, String description) { }

    private SlashCommands() {
    }

    public static List<String> names() {
        return USAGES.stream().map(Usage::command).toList();
    }

    public static SlashCommand parse(String line) {
        String stripped = line.strip();
        if (stripped.isEmpty()) {
            return new SlashCommand.Nothing();
        }
        if (stripped.startsWith("//")) {
            return new SlashCommand.Say(stripped.substring(1));
        }
        if (!stripped.startsWith("/")) {
            return new SlashCommand.Say(line.strip());
        }
        String[] head = WHITESPACE.split(stripped, 2);
        String rest = head.length > 1 ? head[1].strip() : "";
        return command(head[0].toLowerCase(java.util.Locale.ROOT), rest);
    }

    private static SlashCommand command(String name, String rest) {
        List<String> args = rest.isEmpty() ? List.of() : List.of(WHITESPACE.split(rest));
        return switch (name) {
            case "/join", "/j" -> oneName(name, args, SlashCommand.Join::new);
            case "/part", "/leave" -> args.size() <= 1 ? new SlashCommand.Part(args.stream().findFirst()) : usage(name);
            case "/create" -> args.isEmpty() ? usage(name)
                    : new SlashCommand.Create(args.get(0), rest.substring(args.get(0).length()).strip());
            case "/delete" -> oneName(name, args, SlashCommand.Delete::new);
            case "/list" -> args.isEmpty() ? new SlashCommand.ListRooms() : usage(name);
            case "/who" -> args.size() <= 1 ? new SlashCommand.Who(args.stream().findFirst()) : usage(name);
            case "/msg" -> args.size() < 2 ? usage(name)
                    : new SlashCommand.Msg(args.get(0), rest.substring(args.get(0).length()).strip());
            case "/query" -> oneName(name, args, SlashCommand.Query::new);
            case "/nick" -> oneName(name, args, SlashCommand.Nick::new);
            case "/friends" -> friends(args);
            case "/online" -> args.isEmpty() ? new SlashCommand.Online() : usage(name);
            case "/history" -> history(args);
            case "/unread" -> args.isEmpty() ? new SlashCommand.Unread() : usage(name);
            case "/edit" -> edit(args, rest);
            case "/del" -> args.size() == 1 ? seq(args.get(0)).<SlashCommand>map(SlashCommand.Del::new).orElseGet(() -> usage("/del"))
                    : usage(name);
            case "/search" -> rest.isEmpty() ? usage(name) : new SlashCommand.Search(rest);
            case "/away" -> new SlashCommand.Away(rest);
            case "/topic" -> rest.isEmpty() ? usage(name) : new SlashCommand.Topic(rest);
            case "/inviteonly" -> args.size() == 1 && (args.get(0).equalsIgnoreCase("on") || args.get(0).equalsIgnoreCase("off"))
                    ? new SlashCommand.InviteOnly(args.get(0).equalsIgnoreCase("on")) : usage(name);
            case "/invite" -> oneName(name, args, user -> new SlashCommand.Moderate(ChatClient.Moderation.INVITE, user));
            case "/kick" -> oneName(name, args, user -> new SlashCommand.Moderate(ChatClient.Moderation.KICK, user));
            case "/ban" -> oneName(name, args, user -> new SlashCommand.Moderate(ChatClient.Moderation.BAN, user));
            case "/unban" -> oneName(name, args, user -> new SlashCommand.Moderate(ChatClient.Moderation.UNBAN, user));
            case "/help", "/?" -> new SlashCommand.Help();
            case "/quit", "/exit" -> new SlashCommand.Quit();
            default -> new SlashCommand.Invalid("unknown command " + name + " (/help lists them; // posts a line starting with /)");
        };
    }

    private static SlashCommand oneName(String name, List<String> args, java.util.function.Function<String, SlashCommand> make) {
        return args.size() == 1 ? make.apply(args.get(0)) : usage(name);
    }

    private static SlashCommand friends(List<String> args) {
        if (args.isEmpty() || args.size() == 1 && args.get(0).equalsIgnoreCase("list")) {
            return new SlashCommand.Friends(FriendsAction.LIST, Optional.empty());
        }
        if (args.size() == 2 && args.get(0).equalsIgnoreCase("add")) {
            return new SlashCommand.Friends(FriendsAction.ADD, Optional.of(args.get(1)));
        }
        if (args.size() == 2 && args.get(0).equalsIgnoreCase("remove")) {
            return new SlashCommand.Friends(FriendsAction.REMOVE, Optional.of(args.get(1)));
        }
        return usage("/friends");
    }

    private static SlashCommand history(List<String> args) {
        if (args.isEmpty()) {
            return new SlashCommand.History(HISTORY_DEFAULT);
        }
        if (args.size() == 1 && args.get(0).matches("\\d{1,4}")) {
            int count = Integer.parseInt(args.get(0));
            if (count >= 1 && count <= HISTORY_MAX) {
                return new SlashCommand.History(count);
            }
        }
        return usage("/history");
    }

    private static SlashCommand edit(List<String> args, String rest) {
        if (args.size() < 2) {
            return usage("/edit");
        }
        return seq(args.get(0))
                .<SlashCommand>map(seq -> new SlashCommand.Edit(seq, rest.substring(args.get(0).length()).strip()))
                .orElseGet(() -> usage("/edit"));
    }

    /** A message number as shown, with or without its brackets: {@code 12} or {@code [12]}. */
    private static Optional<Long> seq(String word) {
        String digits = word.startsWith("[") && word.endsWith("]") ? word.substring(1, word.length() - 1) : word;
        if (!digits.matches("\\d{1,18}") || Long.parseLong(digits) < 1) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(digits));
    }

    private static SlashCommand usage(String name) {
        String canonical = switch (name) {
            case "/j" -> "/join";
            case "/leave" -> "/part";
            default -> name;
        };
        return USAGES.stream().filter(u -> u.command().equals(canonical)).findFirst()
                .<SlashCommand>map(u -> new SlashCommand.Invalid("usage: " + u.command() + " " + u.arguments()))
                .orElseGet(() -> new SlashCommand.Invalid("usage: see /help"));
    }
}
