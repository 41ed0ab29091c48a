package org.raftchat.cli.interactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JLine screen when standard input or output is not a terminal ({@code raftchat | tee log}). */
class JLineScreenTest {

    @TempDir
    Path dir;

    @Test
    void withoutATerminalTheSystemTerminalIsDumbAndJLineWarnsNothing() throws Exception {
        // Goal: under a test runner stdin and stdout are pipes, as with `raftchat | tee log`; opening the
        // terminal must not print JLine's raw java.util.logging warning about a dumb terminal.
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jline = Logger.getLogger("org.jline");
        jline.addHandler(capture);
        try (Terminal terminal = JLineScreen.systemTerminal()) {
            assertThat(terminal.getType()).startsWith(Terminal.TYPE_DUMB);
            assertThat(JLineScreen.supportsStatusLine(terminal)).isFalse();
        } finally {
            jline.removeHandler(capture);
        }
        assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
    }

    @Test
    void onADumbTerminalThereIsNoStatusBarAndClosingDoesNotFail() throws Exception {
        // Goal: /quit on a dumb terminal closed JLine's status bar, which has no display there
        // (NullPointerException "this.display is null"); now no status bar is made there (status changes
        // are printed as lines instead) and closing the screen ends quietly.
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        Terminal dumb = TerminalBuilder.builder().system(false).type(Terminal.TYPE_DUMB)
                .streams(new java.io.PipedInputStream(keyboard), new ByteArrayOutputStream()).build();
        assertThat(JLineScreen.supportsStatusLine(dumb)).isFalse();
        JLineScreen screen = JLineScreen.open(dumb, dir.resolve("history"), new KnownNames());

        screen.status("ann in #lobby | connected to n1");
        screen.print("[1] 12:00:00 ann: hi");
        assertThatCode(screen::close).doesNotThrowAnyException();
        keyboard.close();
    }

    @Test
    void onATerminalOfNoKnownSizeThereIsNoStatusBarAndClosingDoesNotFail() throws Exception {
        // Goal: /quit on a capable terminal that reports no size (a pseudo-terminal nobody sized, e.g.
        // under `script`) failed the same way as on a dumb one: JLine's status bar gets no display
        // without rows. Status changes are printed as lines there too, and closing ends quietly.
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        ExternalTerminal unsized = new ExternalTerminal("test", "xterm-256color", new java.io.PipedInputStream(keyboard),
                new ByteArrayOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
        unsized.setSize(new org.jline.terminal.Size(0, 0));
        assertThat(JLineScreen.supportsStatusLine(unsized)).isFalse();
        JLineScreen screen = JLineScreen.open(unsized, dir.resolve("history"), new KnownNames());

        screen.status("ann in #lobby | connected to n1");
        assertThatCode(screen::close).doesNotThrowAnyException();
        keyboard.close();
    }

    @Test
    void aMentionIsPrintedAndRingsTheBell() throws Exception {
        // Goal: a line naming the user reaches the terminal with the bell (BEL), also on a dumb terminal; a plain line
        // does not ring. (The terminal writes asynchronously, hence the wait.)
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        ByteArrayOutputStream display = new ByteArrayOutputStream();
        Terminal dumb = TerminalBuilder.builder().system(false).type(Terminal.TYPE_DUMB)
                .streams(new java.io.PipedInputStream(keyboard), display).build();
        JLineScreen screen = JLineScreen.open(dumb, dir.resolve("history"), new KnownNames());

        screen.print("[1] 12:00:00 bob: lunch?");
        screen.mention("[2] 12:00:01 bob: ann, lunch?");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> shown(display).contains("bob: lunch?")
                && shown(display).contains("bob: ann, lunch?") && shown(display).contains("\u0007"));
        assertThat(shown(display).chars().filter(c -> c == 7).count()).as("one bell, for the mention only").isEqualTo(1);
        screen.close();
        keyboard.close();
    }

    @Test
    void theStatusLineWaitsWhileTheInputLineIsBeingDrawn() throws Exception {
        // Goal: InteractiveChatIT lost a message line now and then: JLine draws the status bar itself while it
        // redraws the input line, and the status ticker drew it at the same time from its own thread, so their
        // cursor moves interleaved, a message line landed on the status row and the next status update wrote
        // over it. A status change must wait while the reader is drawing. Here the reader is held in the middle
        // of drawing a typed key (in its flush, with its lock held) while another thread changes the status.
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        ByteArrayOutputStream display = new ByteArrayOutputStream();
        HeldTerminal terminal = new HeldTerminal(new java.io.PipedInputStream(keyboard), display);
        terminal.setSize(new org.jline.terminal.Size(100, 24));
        assertThat(JLineScreen.supportsStatusLine(terminal)).isTrue();
        JLineScreen screen = JLineScreen.open(terminal, dir.resolve("history"), new KnownNames());
        screen.status("status one");
        Thread reader = new Thread(() -> screen.readLine("#lobby> "), "reader");
        reader.setDaemon(true);
        reader.start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> shown(display).contains("#lobby> "));

        terminal.holdNextFlushOf(reader);
        keyboard.write('x');
        keyboard.flush();
        assertThat(terminal.held.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the reader drew the typed key").isTrue();
        Thread ticker = new Thread(() -> screen.status("status two: connected to n3"), "ticker");
        ticker.setDaemon(true);
        ticker.start();
        ticker.join(1000);
        assertThat(shown(display)).as("a status drawn while the reader draws").doesNotContain("connected to n3");

        terminal.release.countDown();
        ticker.join(5000);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> shown(display).contains("connected to n3"));
        screen.close();
        keyboard.close();
    }

    @Test
    void thePasswordPromptDrawsUnderTheScreensOneLockAndStaysOutOfTheHistory() throws Exception {
        // Goal: the login's questions were read by a second reader with a lock of its own, so a line printed
        // meanwhile could interleave with the prompt being drawn. They are read by the screen's one reader now:
        // a print waits while it draws a typed key, and neither the answer nor the password enters the history.
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        ByteArrayOutputStream display = new ByteArrayOutputStream();
        HeldTerminal terminal = new HeldTerminal(new java.io.PipedInputStream(keyboard), display);
        terminal.setSize(new org.jline.terminal.Size(100, 24));
        Path history = dir.resolve("history");
        JLineScreen screen = JLineScreen.open(terminal, history, new KnownNames());
        java.util.concurrent.atomic.AtomicReference<String> answers = new java.util.concurrent.atomic.AtomicReference<>();
        Thread login = new Thread(() -> answers.set(screen.ask("username: ") + " / " + screen.readSecret("password (not shown): ")),
                "login");
        login.setDaemon(true);
        login.start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> shown(display).contains("username: "));
        keyboard.write("ann\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        keyboard.flush();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> shown(display).contains("password (not shown): "));

        terminal.holdNextFlushOf(login);
        keyboard.write('s');
        keyboard.flush();
        assertThat(terminal.held.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the reader drew the typed key").isTrue();
        Thread printer = new Thread(() -> screen.print("[1] 12:00:00 bob: hi"), "printer");
        printer.setDaemon(true);
        printer.start();
        printer.join(1000);
        assertThat(shown(display)).as("a line printed while the prompt draws").doesNotContain("bob: hi");

        terminal.release.countDown();
        printer.join(5000);
        keyboard.write("ecret-pw\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        keyboard.flush();
        login.join(5000);
        assertThat(answers.get()).isEqualTo("ann / secret-pw");
        screen.close();
        keyboard.close();
        assertThat(java.nio.file.Files.exists(history) ? java.nio.file.Files.readString(history) : "")
                .doesNotContain("ann").doesNotContain("secret-pw");
    }

    /** An xterm over plain streams whose next flush from one thread waits until the test releases it. */
    private static final class HeldTerminal extends org.jline.terminal.impl.ExternalTerminal {
        final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private volatile Thread holdThread;

        HeldTerminal(java.io.InputStream keyboard, java.io.OutputStream display) throws java.io.IOException {
            super("test", "xterm-256color", keyboard, display, java.nio.charset.StandardCharsets.UTF_8);
        }

        void holdNextFlushOf(Thread thread) {
            holdThread = thread;
        }

        @Override
        public void flush() {
            if (Thread.currentThread() == holdThread) {
                holdThread = null;
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.flush();
        }
    }

    private static String shown(ByteArrayOutputStream display) {
        synchronized (display) {
            return display.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
