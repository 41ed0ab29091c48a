package org.raftchat.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.raftchat.bench.ResultJson;
import org.raftchat.bench.SummaryTable;
import org.raftchat.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code raftchat bench summary DIR}: one markdown table of the runs in DIR's subdirectories, printed and written to DIR/summary.md. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Tabulate the runs under DIR (each subdirectory with a result.json, in name order) as markdown; "
                + "also written to DIR/" + SummaryTable.FILE_NAME + ".")
final class BenchSummaryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A suite's directory, e.g. bench-results/20250101-120000.")
    Path dir;

    @Override
    public Integer call() {
        List<SummaryTable.Row> runs = runs(dir);
        PrintWriter err = spec.commandLine().getErr();
        if (runs.isEmpty()) {
            err.println("raftchat bench summary: no */" + ResultJson.FILE_NAME + " under " + dir);
            err.flush();
            return ExitCodes.NOT_FOUND;
        }
        String markdown = SummaryTable.markdown(runs);
        try {
            Files.writeString(dir.resolve(SummaryTable.FILE_NAME), markdown, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(SummaryTable.FILE_NAME), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(markdown);
        out.flush();
        return ExitCodes.OK;
    }

    static List<SummaryTable.Row> runs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SummaryTable.Row> runs = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                Path result = child.resolve(ResultJson.FILE_NAME);
                if (Files.isRegularFile(result)) {
                    runs.add(new SummaryTable.Row(child.getFileName().toString(), ResultJson.read(result)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return runs;
    }
}
