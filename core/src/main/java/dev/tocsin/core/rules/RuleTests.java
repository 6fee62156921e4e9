package dev.tocsin.core.rules;

import dev.tocsin.core.internal.rules.RuleTestRunner;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Runs promtool rule unit test files ({@code promtool test rules}) against Tocsin's own evaluator, so the tests
 * users already have for their Prometheus rules also check Tocsin. Usable from JUnit:
 *
 * <pre>{@code
 * RuleTestResult r = RuleTests.run(Path.of("src/test/resources/haproxy-rules.test.yml"));
 * assertEquals(0, r.exitCode(), r.report());
 * }</pre>
 *
 * <p>Supported: {@code rule_files} (relative to the test file, glob patterns), {@code evaluation_interval},
 * {@code tests[].interval}, {@code input_series} in promtool's notation, {@code alert_rule_test},
 * {@code promql_expr_test} (recorded series included), recording rules, group {@code limit}, {@code group_eval_order},
 * {@code external_labels}, {@code external_url}. See {@code docs/rule-files.md} for what differs from promtool.
 */
public final class RuleTests {

    private RuleTests() {
    }

    /**
     * Runs one test file. Never throws for a bad or unreadable file: that is a failed result, as with promtool.
     *
     * @param testFile the test file
     * @return the outcome, with promtool's output and exit code
     */
    public static RuleTestResult run(Path testFile) {
        return RuleTestRunner.run(Objects.requireNonNull(testFile, "testFile"));
    }

    /**
     * Runs several test files, as {@code promtool test rules a.yml b.yml} does.
     *
     * @param testFiles the test files, run in order
     * @return the outcome of each file, in order
     */
    public static List<RuleTestResult> run(List<Path> testFiles) {
        return Objects.requireNonNull(testFiles, "testFiles").stream().map(RuleTests::run).toList();
    }

    /**
     * Returns promtool's exit code for several results: 0 when all passed, 1 otherwise.
     *
     * @param results the results of the test files
     * @return 0 or 1
     */
    public static int exitCode(List<RuleTestResult> results) {
        return results.stream().allMatch(RuleTestResult::passed) ? 0 : 1;
    }
}
