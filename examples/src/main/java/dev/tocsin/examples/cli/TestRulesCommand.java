package dev.tocsin.examples.cli;

import dev.tocsin.core.rules.RuleTestResult;
import dev.tocsin.core.rules.RuleTests;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tocsin test-rules}: runs {@code promtool test rules} files against Tocsin's evaluator, with promtool's output
 * and exit code (0 all passed, 1 a test failed or a file could not be read).
 */
@Command(name = "test-rules",
        description = {"Run Prometheus rule unit test files (the format of 'promtool test rules') against Tocsin's"
                + " evaluator. Output and exit code mirror promtool's: 0 when every test passes, 1 otherwise."})
final class TestRulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TEST_FILE", description = "Rule test files (YAML).")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        PrintWriter out = cmd.getOut();
        PrintWriter err = cmd.getErr();
        for (Path f : files) {
            if (!java.nio.file.Files.exists(f)) {
                // promtool checks its arguments before testing anything, in the same words
                err.println("tocsin test-rules: error: path '" + f + "' does not exist, try --help");
                err.flush();
                return 1;
            }
        }
        List<RuleTestResult> results = RuleTests.run(files);
        for (RuleTestResult r : results) {
            r.print(out, err); // interleaved as promtool's, for a 2>&1 log
        }
        out.flush();
        err.flush();
        return RuleTests.exitCode(results);
    }
}
