package dev.tocsin.core.rules;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every rule unit test file of the project's suite through the real {@code promtool test rules} and through
 * {@link RuleTests}, and requires the same verdict (exit code) and the same output (each stream, and for failing files
 * both streams in one, interleaved as promtool writes them). Files under {@code pass/} must
 * pass and files under {@code fail/} must fail in both, so the comparison cannot hold by accident.
 */
class PromtoolParityIT {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    /** Files whose failure text is worded differently (a parse error of the series notation); verdicts still equal. */
    private static final Set<String> WORDING_DIFFERS = Set.of("bad-series-values.test.yml");

    @BeforeAll
    static void promtoolInstalled() {
        assertThat(Files.isExecutable(PROMTOOL))
                .withFailMessage("%s not found: install it with `apt-get install -y prometheus` (Debian package "
                        + "prometheus ships promtool)", PROMTOOL)
                .isTrue();
    }

    static Stream<Path> files() throws IOException {
        return Stream.concat(RuleTestsTest.files("pass"), RuleTestsTest.files("fail"));
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run promtool(Path file) throws IOException, InterruptedException {
        return promtool(file, false);
    }

    /** Runs promtool on {@code file}; {@code merged}: standard error into standard output, as {@code 2>&1}. */
    private static Run promtool(Path file, boolean merged) throws IOException, InterruptedException {
        Path out = Files.createTempFile("promtool", ".out");
        Path err = Files.createTempFile("promtool", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(PROMTOOL.toString(), "test", "rules",
                    file.getFileName().toString())
                    .directory(file.getParent().toFile())
                    .redirectOutput(out.toFile());
            if (merged) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool did not finish within 60 s on " + file);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void sameVerdictAndOutputAsPromtool(Path file) throws Exception {
        Run expected = promtool(file);
        // run Tocsin the way promtool was run: the file name relative to its folder
        RuleTestResult tocsin = RuleTests.run(file);
        String name = file.getFileName().toString();
        String tocsinOut = tocsin.stdout().replace(file.toString(), name);
        String tocsinErr = tocsin.stderr().replace(file.toString(), name);

        int wanted = file.getParent().getFileName().toString().equals("pass") ? 0 : 1;
        assertThat(expected.exitCode()).as("promtool on %s:%n%s%s", file, expected.stdout(), expected.stderr())
                .isEqualTo(wanted);
        assertThat(tocsin.exitCode()).as("Tocsin on %s:%n%s", file, tocsin.report()).isEqualTo(wanted);
        assertThat(tocsinOut).isEqualTo(expected.stdout());
        if (!WORDING_DIFFERS.contains(name)) {
            assertThat(tocsinErr).isEqualTo(expected.stderr());
            if (wanted != 0) {
                // both streams into one (a CI log): the same interleaving
                java.io.StringWriter both = new java.io.StringWriter();
                java.io.PrintWriter w = new java.io.PrintWriter(both);
                tocsin.print(w, w);
                assertThat(both.toString().replace(file.toString(), name)).isEqualTo(promtool(file, true).stdout());
            }
        } else {
            assertThat(tocsin.failures()).hasSameSizeAs(expected.stderr().lines()
                    .filter(l -> !l.startsWith("  FAILED:")).toList());
        }
    }
}
