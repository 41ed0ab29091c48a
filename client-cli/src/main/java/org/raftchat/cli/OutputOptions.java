package org.raftchat.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code -o, --output text|json}, shared by the one-shot commands. Text is for people; json prints
 * one JSON object per line (camelCase field names, documented in the README) and errors as
 * {@code {"error":{"code":...,"message":...}}} on stderr.
 */
final class OutputOptions {

    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: one JSON object per line on stdout, errors as JSON on stderr.")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }

    /**
     * Whether a raw command line asks for json: for failures reported before or while its options
     * are parsed (usage errors), when no parsed value exists yet.
     */
    static boolean jsonRequested(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--output=json") || a.equals("-o=json") || a.equals("-ojson")) {
                return true;
            }
            if ((a.equals("--output") || a.equals("-o")) && i + 1 < args.size() && args.get(i + 1).equals("json")) {
                return true;
            }
        }
        return false;
    }
}
