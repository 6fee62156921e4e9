package dev.tocsin.core.rules;

import dev.tocsin.core.Labels;
import dev.tocsin.core.TocsinParseException;
import dev.tocsin.core.internal.rules.SeriesNotation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleTestsTest {

    static Stream<Path> files(String folder) throws IOException {
        Path dir = RuleFilesTest.resource("promtool/" + folder);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".test.yml")).sorted().toList().stream();
        }
    }

    static Stream<Path> passing() throws IOException {
        return files("pass");
    }

    static Stream<Path> failing() throws IOException {
        return files("fail");
    }

    @ParameterizedTest
    @MethodSource("passing")
    void passingFilesPass(Path file) {
        RuleTestResult r = RuleTests.run(file);
        assertThat(r.exitCode()).as(r.report()).isZero();
        assertThat(r.stdout()).isEqualTo("Unit Testing:  " + file + "\n  SUCCESS\n\n");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.tests()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("failing")
    void failingFilesFail(Path file) {
        RuleTestResult r = RuleTests.run(file);
        assertThat(r.exitCode()).as(r.report()).isEqualTo(1);
        assertThat(r.failures()).isNotEmpty();
        assertThat(r.stderr()).startsWith("  FAILED:\n");
        // promtool prints one empty line on standard output per failure
        assertThat(r.stdout()).isEqualTo("Unit Testing:  " + file + "\n" + "\n".repeat(r.failures().size() + 1));
    }

    @Test
    void failureTextIsPromtools() {
        RuleTestResult r = RuleTests.run(RuleFilesTest.resource("promtool/fail/wrong-label.test.yml"));
        assertThat(r.failures()).containsExactly(String.join("\n",
                "    name: wrong severity,",
                "    alertname: HaproxyBackendDown, time: 1m, ",
                "        exp:[",
                "            0:",
                "              Labels:{alertname=\"HaproxyBackendDown\", backend=\"be_a\", instance=\"lb1:8404\", "
                        + "job=\"haproxy\", severity=\"warning\"}",
                "              Annotations:{description=\"HAProxy backend is down\\n  VALUE = 0\\n  LABELS = "
                        + "map[__name__:haproxy_backend_up backend:be_a instance:lb1:8404 job:haproxy]\", "
                        + "summary=\"HAProxy backend down (instance lb1:8404)\"}",
                "            ], ",
                "        got:[",
                "            0:",
                "              Labels:{alertname=\"HaproxyBackendDown\", backend=\"be_a\", instance=\"lb1:8404\", "
                        + "job=\"haproxy\", severity=\"critical\"}",
                "              Annotations:{description=\"HAProxy backend is down\\n  VALUE = 0\\n  LABELS = "
                        + "map[__name__:haproxy_backend_up backend:be_a instance:lb1:8404 job:haproxy]\", "
                        + "summary=\"HAProxy backend down (instance lb1:8404)\"}",
                "            ]"));
        AlertCheck c = r.tests().get(0).checks().get(0);
        assertThat(c.alertname()).isEqualTo("HaproxyBackendDown");
        assertThat(c.evalTime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.passed()).isFalse();
    }

    @Test
    void perEvalTimeOutcomesInPromtoolOrder() {
        RuleTestResult r = RuleTests.run(RuleFilesTest.resource("promtool/pass/for-keep-firing.test.yml"));
        assertThat(r.tests()).singleElement().satisfies(t -> assertThat(t.checks())
                .extracting(AlertCheck::evalTime)
                .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofSeconds(150),
                        Duration.ofMinutes(4), Duration.ofMinutes(6), Duration.ofMinutes(7), Duration.ofMinutes(8),
                        Duration.ofMinutes(10)));
    }

    @Test
    void unreadableAndMissingFilesFailLikePromtool(@TempDir Path dir) throws IOException {
        RuleTestResult missing = RuleTests.run(dir.resolve("nope.yml"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.fileErrors()).containsExactly("open " + dir.resolve("nope.yml")
                + ": no such file or directory");
        Path t = dir.resolve("t.yml");
        Files.writeString(t, "rule_files: [nothing-*.yml]\ntests: []\n");
        RuleTestResult r = RuleTests.run(t);
        assertThat(r.exitCode()).isZero();
        assertThat(r.warnings()).containsExactly("  WARNING: no file match pattern nothing-*.yml");
        assertThat(RuleTests.exitCode(List.of(r, missing))).isEqualTo(1);
    }

    @Test
    void theInputValuesOfOneTestAreBoundedAltogether(@TempDir Path dir) throws IOException {
        // each series is capped at a million values; eleven of them are more than one test may give
        StringBuilder y = new StringBuilder("rule_files: []\ntests:\n  - interval: 1m\n    input_series:\n");
        for (int i = 0; i < 11; i++) {
            y.append("      - {series: 'x{i=\"").append(i).append("\"}', values: '0+1x999999'}\n");
        }
        Path t = dir.resolve("big.yml");
        Files.writeString(t, y.toString());
        RuleTestResult r = RuleTests.run(t);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.report()).contains("input series at line 15 of the test file, values: more than 10000000 values"
                + " in the input series of one test");
    }

    @Test
    void aRuleFileThatCannotBeReadFailsTheFile(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve("rules.yml"));
        Path t = dir.resolve("t.yml");
        Files.writeString(t, "rule_files: [rules.yml]\ntests:\n- interval: 1m\n");
        RuleTestResult r = RuleTests.run(t);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.fileErrors()).singleElement().asString().contains("rules.yml");
    }

    /** As promtool: rule files are loaded for each test group, so none without tests, and an error once per group. */
    @Test
    void ruleFilesAreLoadedForEachTestGroupLikePromtool(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("r.yml"), "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 'up{'\n");
        Path none = dir.resolve("none.yml");
        Files.writeString(none, "rule_files: [r.yml]\ntests: []\n");
        RuleTestResult r0 = RuleTests.run(none);
        assertThat(r0.exitCode()).isZero();
        assertThat(r0.fileErrors()).isEmpty();
        Path two = dir.resolve("two.yml");
        Files.writeString(two, "rule_files: [r.yml]\ntests:\n- interval: 1m\n- interval: 1m\n");
        RuleTestResult r2 = RuleTests.run(two);
        assertThat(r2.exitCode()).isEqualTo(1);
        assertThat(r2.fileErrors()).hasSize(2).allSatisfy(e -> assertThat(e).contains("r.yml").contains("line 5"));
        assertThat(r2.fileErrors().get(0)).isEqualTo(r2.fileErrors().get(1));
    }

    @Test
    void aGroupRepeatedInTheEvaluationOrderFailsLikePromtool(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("t.yml");
        Files.writeString(t, "group_eval_order: [a, b, a]\ntests: []\n");
        RuleTestResult r = RuleTests.run(t);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.fileErrors()).containsExactly("group name repeated in evaluation order: a");
    }

    @Test
    void ruleFileErrorsFailTheFileWithFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("r.yml"), "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    x: 1\n");
        Path t = dir.resolve("t.yml");
        Files.writeString(t, "rule_files: [r.yml]\ntests:\n- interval: 1m\n");
        RuleTestResult r = RuleTests.run(t);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.fileErrors()).singleElement().asString().contains("r.yml").contains("line 6");
    }

    @Test
    void promqlExprTestErrorsAreFailures(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("t.yml");
        Files.writeString(t, "tests:\n- interval: 1m\n  input_series:\n  - series: up{job=\"a\"}\n    values: 1\n"
                + "  promql_expr_test:\n  - expr: 'up{'\n    eval_time: 0m\n  - expr: up\n    eval_time: 0m\n"
                + "    exp_samples:\n    - labels: '{__name__=\"up\", job=\"a\"}'\n      value: 1\n");
        RuleTestResult r = RuleTests.run(t);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.failures()).singleElement().asString().startsWith("    expr: \"up{\", time: 0s, err: ");
    }

    @Test
    void seriesNotationExpands() {
        SeriesNotation.Values v = SeriesNotation.parseValues("1 2+3x2 5-1x1 _ _x2 stale Inf -Inf NaN 7x1 1e3");
        assertThat(v.size()).isEqualTo(16);
        double[] expected = {1, 2, 5, 8, 5, 4, 0, 0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NaN, 7, 7, 1000};
        byte[] kinds = {1, 1, 1, 1, 1, 1, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1};
        for (int i = 0; i < expected.length; i++) {
            assertThat(v.kind(i)).as("kind %d", i).isEqualTo(kinds[i]);
            if (kinds[i] == SeriesNotation.Values.VALUE) {
                assertThat(Double.valueOf(v.value(i))).as("value %d", i).isEqualTo(Double.valueOf(expected[i]));
            }
        }
        assertThat(SeriesNotation.parseValues("").size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "1x", "1+2", "1 2 abc", "_x", "1x-2", "1+x3", ".", "1x9999999999", "1e999 1",
        "1+1e999x2"})
    void badSeriesValues(String values) {
        assertThatThrownBy(() -> SeriesNotation.parseValues(values)).isInstanceOf(TocsinParseException.class);
    }

    @Test
    void seriesDescriptions() {
        assertThat(SeriesNotation.parseSeries("up{instance=\"a:1\", job='j',}"))
                .isEqualTo(Labels.of("__name__", "up", "instance", "a:1", "job", "j"));
        assertThat(SeriesNotation.parseSeries("{__name__=\"x\", a=\"q\\\"\"}"))
                .isEqualTo(Labels.of("__name__", "x", "a", "q\""));
        // every Go escape of PromQL strings, as promtool's series lexer reads them
        assertThat(SeriesNotation.parseSeries("x{a=\"1\\x0b2\\u00e93\\0114\\t\", b='\\'\\n'}"))
                .isEqualTo(Labels.of("__name__", "x", "a", "1\u000b2\u00e93\t4\t", "b", "'\n"));
        for (String bad : List.of("", "{a=\"b\"}", "up{a=b}", "up{a=\"b\"", "up{a=\"b\" c=\"d\"}", "up x",
                "up{a=\"\\q\"}", "up{a=\"\\x1\"}")) {
            assertThatThrownBy(() -> SeriesNotation.parseSeries(bad)).as(bad)
                    .isInstanceOf(TocsinParseException.class);
        }
    }

    /** Series descriptions and values read as promtool 2.42 reads them (each checked against it). */
    @Test
    void seriesEdgesAsPromtool() {
        // a metric name before the braces wins over a __name__ inside them
        assertThat(SeriesNotation.parseSeries("m{__name__=\"e\", x=\"1\"}"))
                .isEqualTo(Labels.of("__name__", "m", "x", "1"));
        // back-quoted (raw) label values, in input series and expected labels
        assertThat(SeriesNotation.parseSeries("m{a=`x\\n`}")).isEqualTo(Labels.of("__name__", "m", "a", "x\\n"));
        assertThat(SeriesNotation.parseSeries("m{a=`x`}", false)).isEqualTo(Labels.of("__name__", "m", "a", "x"));
        // expected labels may end with a comment; an input series may not have a space before its braces (promtool
        // reads the values from there)
        assertThat(SeriesNotation.parseSeries("m{a=\"x\"} # c", false)).isEqualTo(Labels.of("__name__", "m", "a", "x"));
        assertThat(SeriesNotation.parseSeries("m {a=\"x\"}", false)).isEqualTo(Labels.of("__name__", "m", "a", "x"));
        assertThatThrownBy(() -> SeriesNotation.parseSeries("m {a=\"x\"}")).isInstanceOf(TocsinParseException.class)
                .hasMessageContaining("unexpected character in series sequence: '{'");
        // a leading zero is octal, as in PromQL numbers (Go's ParseInt with base 0 first)
        SeriesNotation.Values v = SeriesNotation.parseValues("017 010+010x2 08 -017");
        assertThat(new double[] {v.value(0), v.value(1), v.value(2), v.value(3), v.value(4), v.value(5)})
                .containsExactly(15, 8, 16, 24, 8, -15);
        // "axn" repeats a itself: -0 stays -0
        SeriesNotation.Values z = SeriesNotation.parseValues("-0x2");
        for (int i = 0; i < 3; i++) {
            assertThat(Double.doubleToRawLongBits(z.value(i))).as("value %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(-0.0));
        }
        // "Infx1" is one identifier to PromQL's lexer
        for (String bad : List.of("Infx1", "NaNx1", "1+Infx2", "-Inf+Infx2")) {
            assertThatThrownBy(() -> SeriesNotation.parseValues(bad)).as(bad)
                    .isInstanceOf(TocsinParseException.class).hasMessageContaining("unexpected identifier");
        }
    }

    /** promtool refuses these names (its lexer reads a number or a keyword), and accepts the other keywords. */
    @Test
    void numbersAndSomeKeywordsAreNotMetricNamesLikePromtool() {
        for (String bad : List.of("inf", "NaN", "Inf{a=\"b\"}", "bool", "ON", "ignoring", "group_left", "group_right",
                "atan2")) {
            assertThatThrownBy(() -> SeriesNotation.parseSeries(bad)).as(bad)
                    .isInstanceOf(TocsinParseException.class).hasMessageContaining("where a metric name is expected");
        }
        for (String good : List.of("offset", "sum", "and", "by", "without", "start", "end", "nan_x", "infinity")) {
            assertThat(SeriesNotation.parseSeries(good)).as(good).isEqualTo(Labels.of("__name__", good));
        }
    }

    @Test
    void rangesReadEveryInputSampleNotOneSamplePerEvaluation(@TempDir Path dir) throws IOException {
        // scraped every 15 s, evaluated every minute; the counter resets at 7m45s (600 -> 30)
        Path t = dir.resolve("t.yml");
        Files.writeString(t, String.join("\n",
                "rule_files: [r.yml]",
                "evaluation_interval: 1m",
                "tests:",
                "- interval: 15s",
                "  input_series:",
                "  - series: 'c{a=\"1\"}'",
                "    values: '0x19 0+60x10 30+60x9'",
                "  promql_expr_test:",
                "  - {expr: 'count_over_time(c[1m])', eval_time: 8m, exp_samples: [{labels: '{a=\"1\"}', value: 5}]}",
                "  - {expr: 'increase(c[1m])', eval_time: 8m, exp_samples: [{labels: '{a=\"1\"}', value: 210}]}",
                "  - {expr: 'rate(c[1m])', eval_time: 7m, exp_samples: [{labels: '{a=\"1\"}', value: 4}]}",
                "  alert_rule_test:",
                "  - {eval_time: 8m, alertname: R, exp_alerts: [{exp_labels: {a: '1'}, exp_annotations: {v: '3.5'}}]}",
                ""));
        Files.writeString(dir.resolve("r.yml"), "groups:\n- name: g\n  rules:\n  - alert: R\n"
                + "    expr: rate(c[1m]) > 3\n    annotations:\n      v: '{{ $value }}'\n");
        RuleTestResult r = RuleTests.run(t);
        // one sample per evaluation would see 480 and 80 at 7m and 8m: an increase of 80, a rate of 1.33
        assertThat(r.exitCode()).as(r.report()).isZero();
    }
}
