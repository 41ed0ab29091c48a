package org.raftchat.cli.interactive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;
import org.jline.utils.Status;

/**
 * The real terminal (JLine): line editing, history in a file, tab completion, incoming lines
 * printed above the input line ({@link LineReader#printAbove}), and a status line at the bottom
 * where the terminal supports one (else status changes are printed as lines).
 *
 * <p>Threads: the reader draws the input line, and the status bar with it, under its lock while it
 * reads (each key, the prompt, the erase on Enter); every other drawing here takes the same lock, so
 * no two threads ever move the cursor at once.
 */
public final class JLineScreen implements Screen {

    private static final String SET_PROMPT_WIDGET = "raftchat-set-prompt";
    private static final char BEL = '\u0007';

    private final Terminal terminal;
    private final SharedLockReader reader;
    private final Status statusBar;
    private String lastStatus = "";
    private volatile String nextPrompt = "";

    private JLineScreen(Terminal terminal, SharedLockReader reader) {
        this.terminal = terminal;
        this.reader = reader;
        // JLine's Status has no display on a terminal without a scroll region (a dumb one, e.g. when
        // stdout is a pipe) or without rows, and fails when closed there, so there it is not created at all.
        this.statusBar = supportsStatusLine(terminal) ? Status.getStatus(terminal, true) : null;
        // Widgets run under the reader's lock: the safe way to touch a readLine in progress from another thread.
        reader.getWidgets().put(SET_PROMPT_WIDGET, () -> {
            reader.setPrompt(nextPrompt);
            reader.redisplay();
            return true;
        });
    }

    /**
     * @param historyFile where typed lines are kept between runs
     * @param names       the room and user names tab completes
     */
    public static JLineScreen open(Path historyFile, KnownNames names) {
        try {
            return open(systemTerminal(), historyFile, names);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
    }

    /**
     * The process's terminal; a dumb one, without complaint, when standard input or output is not a
     * terminal ({@code raftchat | tee log}): JLine would otherwise print a raw java.util.logging warning.
     */
    static Terminal systemTerminal() throws IOException {
        return TerminalBuilder.builder().name("raftchat").system(true).dumb(true).build();
    }

    /**
     * Whether the terminal can keep a status line at the bottom: a scroll region, cursor addressing,
     * and a known size (a pseudo-terminal nobody sized reports 0 rows).
     */
    static boolean supportsStatusLine(Terminal terminal) {
        return !terminal.getType().startsWith(Terminal.TYPE_DUMB)
                && terminal.getHeight() > 1
                && terminal.getStringCapability(InfoCmp.Capability.change_scroll_region) != null
                && terminal.getStringCapability(InfoCmp.Capability.save_cursor) != null
                && terminal.getStringCapability(InfoCmp.Capability.restore_cursor) != null
                && terminal.getStringCapability(InfoCmp.Capability.cursor_address) != null;
    }

    /** A screen on the given terminal (tests pass one over plain streams). */
    static JLineScreen open(Terminal terminal, Path historyFile, KnownNames names) {
        SharedLockReader reader = new SharedLockReader(terminal,
                Map.of(LineReader.HISTORY_FILE, historyFile, LineReader.HISTORY_SIZE, 1000));
        reader.setCompleter(new ChatCompleter(names::rooms, names::users));
        // Lines are shown as the server stores them; the typed copy would be a second one.
        reader.option(LineReader.Option.ERASE_LINE_ON_FINISH, true);
        reader.option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        return new JLineScreen(terminal, reader);
    }

    @Override
    public String readLine(String prompt) {
        return read(reader, prompt, null);
    }

    @Override
    public String ask(String prompt) {
        return answer(prompt, null);
    }

    @Override
    public String readSecret(String prompt) {
        // Mask 0: nothing is echoed, not even stars, so the length does not show either.
        return answer(prompt, (char) 0);
    }

    /**
     * An answer to a question (the login's): read by the one reader, so under its drawing lock like all
     * else on the screen, but kept out of the history, not completed, and left standing once entered.
     */
    private String answer(String prompt, Character mask) {
        Completer completer = reader.getCompleter();
        boolean erase = reader.isSet(LineReader.Option.ERASE_LINE_ON_FINISH);
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        reader.option(LineReader.Option.ERASE_LINE_ON_FINISH, false);
        reader.setCompleter(NullCompleter.INSTANCE);
        try {
            return read(reader, prompt, mask);
        } finally {
            reader.setCompleter(completer);
            reader.option(LineReader.Option.ERASE_LINE_ON_FINISH, erase);
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    private static String read(LineReader reader, String prompt, Character mask) {
        try {
            return reader.readLine(prompt, mask);
        } catch (UserInterruptException ctrlC) {
            return "";
        } catch (EndOfFileException ctrlD) {
            return null;
        }
    }

    @Override
    public synchronized void print(String line) {
        reader.printAbove(line);
    }

    @Override
    public synchronized void mention(String line) {
        reader.whileDrawingIsMine(() -> {
            reader.printAbove(new AttributedString(line, AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW)));
            // BEL itself rather than the terminfo capability: every terminal rings (or flashes) on it, dumb ones too.
            terminal.writer().write(BEL);
            terminal.writer().flush();
        });
    }

    @Override
    public synchronized void prompt(String prompt) {
        nextPrompt = prompt;
        try {
            if (reader.isReading()) {
                reader.callWidget(SET_PROMPT_WIDGET);
            }
        } catch (IllegalStateException notReading) {
            // readLine ended meanwhile; the next one is given the new prompt anyway.
        }
    }

    @Override
    public synchronized void status(String text) {
        if (text.equals(lastStatus)) {
            return;
        }
        lastStatus = text;
        if (statusBar != null && terminal.getHeight() > 1) {
            // The reader redraws this bar too (on every key): drawn from here at the same time, the two would
            // interleave their cursor moves and a line printed next would land on the status row.
            reader.whileDrawingIsMine(() -> statusBar.update(List.of(new AttributedString(text, AttributedStyle.INVERSE))));
        } else {
            reader.printAbove("* " + text);
        }
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
        } catch (IOException | RuntimeException e) {
            // Losing the input history is not worth failing the exit over.
        }
        if (statusBar != null) {
            reader.whileDrawingIsMine(statusBar::close);
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // The process is leaving anyway.
        }
    }

    /**
     * JLine's reader, built as {@code LineReaderBuilder} would build it, that lends its drawing lock:
     * it holds that lock whenever it draws (and draws the status bar as part of that), so whoever
     * draws from another thread while holding it cannot interleave with it.
     */
    static final class SharedLockReader extends LineReaderImpl {

        SharedLockReader(Terminal terminal, Map<String, Object> variables) {
            super(terminal, "raftchat", new HashMap<>(variables));
            setHistory(new DefaultHistory());
        }

        /** Runs {@code drawing} while the reader does not draw (it waits for a key being drawn). */
        void whileDrawingIsMine(Runnable drawing) {
            lock.lock();
            try {
                drawing.run();
            } finally {
                lock.unlock();
            }
        }
    }
}
