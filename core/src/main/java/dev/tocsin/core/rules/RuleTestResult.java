package dev.tocsin.core.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of running one promtool rule unit test file with {@link RuleTests}.
 *
 * @param file the test file's name as given
 * @param warnings warnings printed before the result (e.g. a {@code rule_files} pattern that matched nothing)
 * @param fileErrors failures of the file as a whole (unreadable, malformed, a rule file that does not load)
 * @param tests the outcome of each {@code tests:} entry (empty when the file failed as a whole)
 */
public record RuleTestResult(String file, List<String> warnings, List<String> fileErrors,
                             List<TestGroupResult> tests) {

    /**
     * Validates and copies.
     *
     * @param file the test file's name as given
     * @param warnings warnings printed before the result
     * @param fileErrors failures of the file as a whole
     * @param tests the outcome of each {@code tests:} entry
     */
    public RuleTestResult {
        Objects.requireNonNull(file, "file");
        warnings = List.copyOf(warnings);
        fileErrors = List.copyOf(fileErrors);
        tests = List.copyOf(tests);
    }

    /**
     * Returns whether the file passed: no file error and every test passed.
     *
     * @return true when the file passed
     */
    public boolean passed() {
        return fileErrors.isEmpty() && tests.stream().allMatch(TestGroupResult::passed);
    }

    /**
     * Returns promtool's exit code for this file: 0 when it passed, 1 otherwise.
     *
     * @return 0 or 1
     */
    public int exitCode() {
        return passed() ? 0 : 1;
    }

    /**
     * Returns every failure message in promtool's order.
     *
     * @return the failure messages (immutable)
     */
    public List<String> failures() {
        List<String> out = new ArrayList<>(fileErrors);
        for (TestGroupResult t : tests) {
            for (AlertCheck c : t.checks()) {
                if (!c.passed()) {
                    out.add(c.message());
                }
            }
            out.addAll(t.errors());
        }
        return List.copyOf(out);
    }

    /**
     * Returns what {@code promtool test rules} prints on standard output for this file (see {@link #print}).
     *
     * @return the standard output text
     */
    public String stdout() {
        return printed(true);
    }

    /**
     * Returns what {@code promtool test rules} prints on standard error for this file (see {@link #print}).
     *
     * @return the standard error text
     */
    public String stderr() {
        return printed(false);
    }

    private String printed(boolean standardOutput) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        print(new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        return (standardOutput ? out : err).toString();
    }

    /**
     * Writes {@link #stdout()} to {@code out} and {@link #stderr()} to {@code err} interleaved as promtool writes
     * them (the header, the warnings, {@code FAILED:} and each failure on standard error each followed by a blank
     * line on standard output, then a blank line), flushing at every switch, so that both streams sent to one place
     * ({@code 2>&1}) read as promtool's do.
     *
     * @param out where standard output's text goes
     * @param err where standard error's text goes
     */
    public void print(java.io.PrintWriter out, java.io.PrintWriter err) {
        out.print("Unit Testing:  " + file + "\n");
        out.flush();
        warnings.forEach(w -> err.print(w + "\n"));
        err.flush();
        if (passed()) {
            out.print("  SUCCESS\n");
        } else {
            err.print("  FAILED:\n");
            for (String f : failures()) {
                err.print(f + "\n");
                err.flush();
                out.print("\n");
                out.flush();
            }
        }
        out.print("\n");
        out.flush();
    }

    /**
     * Returns a readable report: standard output's header, the warnings, then the failures (or SUCCESS).
     *
     * @return the report
     */
    public String report() {
        StringBuilder sb = new StringBuilder("Unit Testing:  ").append(file).append('\n');
        warnings.forEach(w -> sb.append(w).append('\n'));
        if (passed()) {
            sb.append("  SUCCESS\n");
        } else {
            sb.append("  FAILED:\n");
            failures().forEach(f -> sb.append(f).append("\n\n"));
        }
        return sb.toString();
    }
}
