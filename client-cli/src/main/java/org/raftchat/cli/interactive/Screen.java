package org.raftchat.cli.interactive;

/**
 * The terminal as the session sees it. {@link #print} and {@link #status} may be called from any
 * thread while another thread is in {@link #readLine}: printed lines appear above the input line
 * without disturbing what is being typed.
 */
public interface Screen extends AutoCloseable {

    /** One line typed by the user; null at end of input (Ctrl-D). Ctrl-C gives an empty line. */
    String readLine(String prompt);

    /** A question (a name, yes or no): the answer stays on the screen but is not kept in the input history. */
    String ask(String prompt);

    /** As {@link #readLine}, but what is typed is not shown and not kept in history. */
    String readSecret(String prompt);

    /** Shows a line above the input line. */
    void print(String line);

    /** Shows a line that names the user: highlighted, with the terminal bell, where the terminal can. */
    default void mention(String line) {
        print(line);
    }

    /** Changes the prompt of a {@link #readLine} in progress (e.g. after a switch not typed by the user). */
    default void prompt(String prompt) {
    }

    /** Replaces the status line. */
    void status(String text);

    @Override
    void close();
}
