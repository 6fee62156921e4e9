package dev.tocsin.core.rules;

import dev.tocsin.core.Rule;
import dev.tocsin.core.internal.expr.PromDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleFilesTest {

    static Path resource(String name) {
        try {
            return Path.of(RuleFilesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RuleFileException fails(String yaml) {
        try {
            RuleFiles.parse("r.yml", yaml);
        } catch (RuleFileException e) {
            return e;
        }
        throw new AssertionError("expected a RuleFileException for:\n" + yaml);
    }

    @Test
    void aFileGivenByMistakeIsNotQuotedWhole() {
        // a private key passed as --rules is one long plain scalar to YAML: the error quotes its start only
        String body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7".repeat(200);
        RuleFileException e = fails("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
        assertThat(e.getMessage()).contains("must be a mapping, found the scalar '-----BEGIN PRIVATE KEY----- MIIEvQIBADAN...'")
                .doesNotContain(body.substring(0, 100)).hasSizeLessThan(300);
        assertThat(fails("groups: \"first line\\nsecond line\"\n").getMessage())
                .contains("the scalar 'first line...'").doesNotContain("second");
    }

    @Test
    void aMissingFileSaysSo(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path missing = dir.resolve("nosuch.yml");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleFiles.load(missing))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("cannot read " + missing + ": no such file or directory");
    }

    @Test
    void loadsAlertingRuleWithEverything() {
        RuleGroups f = RuleFiles.parse("r.yml", String.join("\n",
                "groups:",
                "  - name: g1",
                "    interval: 30s",
                "    limit: 10",
                "    labels: {team: infra, severity: info}",
                "    rules:",
                "      - alert: BackendDown",
                "        expr: haproxy_backend_up == 0",
                "        for: 1m30s",
                "        keep_firing_for: 2m",
                "        labels:",
                "          severity: critical",
                "        annotations:",
                "          summary: '{{ $labels.backend }} down'",
                "      - record: job:up:sum",
                "        expr: up",
                "        labels: {x: y}",
                ""));
        assertThat(f.file()).isEqualTo("r.yml");
        assertThat(f.groups()).hasSize(1);
        RuleGroup g = f.groups().get(0);
        assertThat(g.name()).isEqualTo("g1");
        assertThat(g.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.limit()).isEqualTo(10);
        assertThat(g.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "infra", "severity", "info"));
        assertThat(g.alertingRules()).hasSize(1);
        AlertingRule a = g.alertingRules().get(0);
        assertThat(a.line()).isEqualTo(7);
        Rule r = a.rule();
        assertThat(r.name()).isEqualTo("BackendDown");
        assertThat(r.forDuration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.keepFiringFor()).isEqualTo(Duration.ofMinutes(2));
        // rule labels win over group labels
        assertThat(r.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "infra", "severity", "critical"));
        assertThat(r.annotations()).containsExactlyEntriesOf(Map.of("summary", "{{ $labels.backend }} down"));
        assertThat(g.recordingRules()).containsExactly(
                new RecordingRule("job:up:sum", "up", Map.of("team", "infra", "severity", "info", "x", "y"), 15));
        assertThat(f.rules()).containsExactly(r);
        assertThat(f.skipped()).isEmpty();
    }

    @Test
    void emptyFileAndEmptyGroupsAreNoGroups() {
        assertThat(RuleFiles.parse("e.yml", "").groups()).isEmpty();
        assertThat(RuleFiles.parse("e.yml", "groups:\n").groups()).isEmpty();
        assertThat(RuleFiles.parse("e.yml", "groups:\n- name: a\n").groups().get(0).alertingRules()).isEmpty();
    }

    @Test
    void unknownKeyNamesFileLineColumnGroupAndRule() {
        RuleFileException e = fails("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    lables: {}\n");
        assertThat(e.file()).isEqualTo("r.yml");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.column()).isEqualTo(5);
        assertThat(e.group()).contains("g");
        assertThat(e.rule()).contains("A");
        assertThat(e.getMessage()).isEqualTo("rule file 'r.yml' at line 6, column 5: group \"g\", rule \"A\", "
                + "field lables not found in type rulefmt.RuleNode");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo: 1|1|field foo not found in type rulefmt.RuleGroups",
        "groups:\\n- name: g\\n  bogus: 1|3|field bogus not found in type rulefmt.RuleGroup",
        "groups:\\n- name: ''|2|Groupname must not be empty",
        "groups:\\n- name: g\\n- name: g|3|groupname: \"g\" is repeated in the same file",
        "groups:\\n- name: g\\n  rules:\\n  - expr: up|4|one of 'record' or 'alert' must be set",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A\\n    record: b\\n    expr: up|4|only one of 'record' and 'alert'",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A|4|field 'expr' must be set in rule",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A\\n    expr: up\\n    for: 5 minutes|6|not a valid duration string",
        "groups:\\n- name: g\\n  interval: 1h1d|3|not a valid duration string",
        "groups:\\n- name: g\\n  rules:\\n  - record: r\\n    expr: up\\n    for: 1m|6|invalid field 'for' in recording rule",
        "groups:\\n- name: g\\n  rules:\\n  - record: a-b\\n    expr: up|4|invalid recording rule name: a-b",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A\\n    expr: up\\n    labels: {1x: y}|6|invalid label name: 1x",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A\\n    expr: up{\\n|5|could not parse expression",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A\\n    expr: up\\n    expr: down|6|mapping key \"expr\" already defined",
        "groups:\\n- name: g\\n  limit: many|3|'limit' must be an integer",
        "groups:\\n- name: g\\n  rules:\\n  - alert: A\\n    expr: up\\n    labels: {__name__: x}|6|invalid label name: __name__",
        "groups: [a|1|malformed YAML: while parsing a flow sequence: expected ',' or ']'",
        "groups: 3|1|'groups' must be a sequence",
    })
    void rejectsLikePrometheus(String yaml, int line, String message) {
        RuleFileException e = fails(yaml.replace("\\n", "\n"));
        if (line > 0) {
            assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        }
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void expressionErrorGivesExprLineAndPositionInsideTheExpression() {
        RuleFileException e = fails("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 'up == == 0'\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.column()).isEqualTo(11);
        assertThat(e.rule()).contains("A");
        assertThat(e.getMessage()).contains("expression at line 1, column");
    }

    @Test
    void templateErrorPointsAtTheAnnotation() {
        RuleFileException e = fails("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n"
                + "      ok: fine\n      summary: '{{ $labels.x '\n");
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage()).contains("annotation 'summary'");
    }

    @Test
    void onlyWhatPrometheusAcceptsIsSkippedUnknownFunctionsFailAsInPrometheus() {
        RuleGroups f = RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: At\n    expr: 'up @ 100'\n"
                + "  - alert: Simple\n    expr: up == 0\n", RuleFiles.Options.skippingUnsupported());
        assertThat(f.rules()).extracting(Rule::name).containsExactly("Simple");
        assertThat(f.skipped()).extracting(SkippedRule::name).containsExactly("At");
        // what is skipped is told by the exception, not by its text: a label value saying "not supported" is no reason
        assertThatThrownBy(() -> RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: Quoted\n"
                + "    expr: 'up{job=\"not supported\"} +'\n", RuleFiles.Options.skippingUnsupported()))
                .isInstanceOf(RuleFileException.class);
        RuleGroups more = RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: Ungreedy\n"
                + "    expr: 'up{job=~\"(?U)a*\"}'\n  - alert: Replace\n"
                + "    expr: 'label_replace(up, \"x\", \"$1\", \"job\", \"(?U)(a*)\")'\n",
                RuleFiles.Options.skippingUnsupported());
        assertThat(more.skipped()).extracting(SkippedRule::name).containsExactly("Ungreedy", "Replace");
        // a function Prometheus 2.42 does not know (later versions have it behind a feature flag): not a rule to skip
        assertThatThrownBy(() -> RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: Mad\n"
                + "    expr: 'mad_over_time(up[5m]) > 0'\n", RuleFiles.Options.skippingUnsupported()))
                .isInstanceOf(RuleFileException.class)
                .hasMessageContaining("unknown function with name \"mad_over_time\"")
                .satisfies(e -> assertThat(((RuleFileException) e).line()).isEqualTo(5));
    }

    @Test
    void yamlErrorsAreInWordsNotTheParsersInternals() {
        RuleFileException braces = fails("{{{{");
        assertThat(braces.getMessage()).contains("a mapping key must be a plain value, found a mapping")
                .doesNotContain("org.yaml", "Event(");
        RuleFileException listKey = fails("groups:\n- name: g\n  rules:\n  - ? [a, b]\n    : x\n");
        assertThat(listKey.getMessage()).contains("found a sequence").doesNotContain("org.yaml");
        RuleFileException anchored = fails("groups:\n- name: g\n  rules:\n  - ? &x>y [a]\n    : x\n");
        assertThat(anchored.getMessage()).contains("found a sequence").doesNotContain("org.yaml");
        RuleFileException deep = fails("groups: " + "[".repeat(100) + "]".repeat(100));
        assertThat(deep.getMessage()).contains("nesting deeper than").doesNotContain("StreamReadConstraints");
    }

    @Test
    void yamlMergeKeysWorkAsInPrometheusExplicitKeysWin() {
        RuleGroups f = RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - &base\n    alert: A\n"
                + "    expr: up == 0\n    labels: {severity: page}\n  - <<: *base\n    alert: B\n"
                + "  - alert: C\n    <<: [{expr: up == 1, for: 5m}, *base]\n");
        assertThat(f.rules()).extracting(Rule::name).containsExactly("A", "B", "C");
        Rule b = f.rules().get(1);
        assertThat(b.labels()).isEqualTo(Map.of("severity", "page"));
        Rule c = f.rules().get(2);
        assertThat(c.forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.labels()).isEqualTo(Map.of("severity", "page"));
        assertThatThrownBy(() -> RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: A\n"
                + "    expr: up\n    <<: 3\n"))
                .isInstanceOf(RuleFileException.class)
                .hasMessageContaining("map merge requires map or sequence of maps as the value")
                .satisfies(e -> assertThat(((RuleFileException) e).line()).isEqualTo(6));
    }

    @Test
    void aliasesOfScalarsWorkAsInPrometheus() {
        // found in public rule files: one runbook URL or duration anchored and reused
        RuleGroups f = RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n"
                + "    for: &f 5m\n    annotations:\n      runbook_url: &rb https://runbooks.example.com/disk\n"
                + "  - alert: B\n    expr: up == 1\n    for: *f\n    annotations:\n      runbook_url: *rb\n");
        Rule b = f.rules().get(1);
        assertThat(b.forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(b.annotations()).containsEntry("runbook_url", "https://runbooks.example.com/disk");
        // an anchor on a key (not kept: a documented difference) is not taken for the value after it
        assertThatThrownBy(() -> RuleFiles.parse("r.yml", "groups:\n- name: g\n  rules:\n  - &k alert: C\n"
                + "    expr: up == 2\n    labels: {x: *k}\n")).hasMessageContaining("unknown anchor 'k'");
    }

    @Test
    void aLineOfAMebibyteIsRefusedBeforeTheQuadraticParse() {
        String yaml = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      a: '"
                + "x".repeat((1 << 20) + 1) + "'\n";
        assertThatThrownBy(() -> RuleFiles.parse("r.yml", yaml)).isInstanceOf(RuleFileException.class)
                .hasMessageContaining("line 7 is longer than 1048576 characters")
                .satisfies(e -> assertThat(((RuleFileException) e).line()).isEqualTo(7));
    }

    @Test
    void aFileWithoutASizeIsReadOnlyUpToTheCap() {
        // /dev/zero (or a pipe) says size 0 and never ends: the cap must hold while reading
        assertThatThrownBy(() -> RuleFiles.load(java.nio.file.Path.of("/dev/zero")))
                .isInstanceOf(RuleFileException.class).hasMessageContaining("file is larger than 16777216 bytes");
    }

    @Test
    void aRuleFileLargerThanSnakeYamlsDefaultLimitLoads() {
        StringBuilder y = new StringBuilder("groups:\n- name: g\n  rules:\n");
        int n = 0;
        while (y.length() < 3_300_000) { // SnakeYAML's own default stops at 3 MiB of code points
            y.append("  - record: r").append(n++).append("\n    expr: up == 0\n    labels: {pad: '")
                    .append("x".repeat(200)).append("'}\n");
        }
        assertThat(RuleFiles.parse("big.yml", y.toString()).recordingRules()).hasSize(n);
    }

    @Test
    void unsupportedExpressionsFailByDefaultAndAreSkippedOnRequest() {
        String yaml = "groups:\n- name: g\n  rules:\n  - alert: Weird\n    expr: 'sum(up) > 0'\n"
                + "  - alert: Simple\n    expr: up == 0\n";
        RuleGroups f;
        try {
            f = RuleFiles.parse("r.yml", yaml, RuleFiles.Options.skippingUnsupported());
        } catch (RuleFileException e) {
            // the construct became a plain syntax error: nothing left to skip
            assertThat(e.getMessage()).doesNotContain("not supported");
            return;
        }
        assertThat(f.rules()).extracting(Rule::name).contains("Simple");
        if (!f.skipped().isEmpty()) {
            SkippedRule s = f.skipped().get(0);
            assertThat(s.name()).isEqualTo("Weird");
            assertThat(s.group()).isEqualTo("g");
            assertThat(s.line()).isEqualTo(4);
            assertThat(s.reason()).contains("not supported");
            assertThatThrownBy(() -> RuleFiles.parse("r.yml", yaml))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessageContaining("not supported")
                    .satisfies(e -> assertThat(((RuleFileException) e).line()).isEqualTo(5));
        } else {
            // the evaluator supports aggregations now: both rules built
            assertThat(f.rules()).extracting(Rule::name).containsExactly("Weird", "Simple");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"packs/haproxy-exporter-v1.yml", "packs/embedded-exporter-v2.yml"})
    void bothPacksLoadEveryRule(String pack) {
        // every construct of both packs is supported: nothing is skipped, and loading without the option works
        RuleGroups f = RuleFiles.load(resource(pack), RuleFiles.Options.skippingUnsupported());
        assertThat(f.groups()).hasSize(1);
        int expected = pack.contains("v1") ? 16 : 14;
        assertThat(f.skipped()).isEmpty();
        assertThat(f.groups().get(0).alertingRules()).hasSize(expected);
        assertThat(RuleFiles.load(resource(pack)).rules()).hasSize(expected);
        Set<String> built = f.rules().stream().map(Rule::name).collect(Collectors.toSet());
        if (pack.contains("v1")) {
            assertThat(built).contains("HaproxyDown", "HaproxyBackendDown", "HaproxyServerDown");
            Rule down = f.rules().stream().filter(r -> r.name().equals("HaproxyBackendDown")).findFirst().get();
            assertThat(down.labels()).isEqualTo(Map.of("severity", "critical"));
            assertThat(down.forDuration()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource({"0,0", "0m,0", "30s,30000", "1m30s,90000", "2h,7200000", "1d,86400000", "1w,604800000",
        "1y,31536000000", "500ms,500", "1h30m500ms,5400500",
        // Prometheus' range: a Go time.Duration (int64 nanoseconds)
        "292y,9208512000000", "9223372036854ms,9223372036854", "292y24w,9223027200000", "106751d23h47m16s854ms,9223372036854"})
    void prometheusDurations(String text, long millis) {
        assertThat(PromDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.5m", "1m1h", "-1m", "1M", "m", "99999999999999999999y"})
    void badDurations(String text) {
        assertThatThrownBy(() -> PromDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"293y", "292y52w", "292y24w4d", "9223372036855ms", "106751d23h47m16s855ms",
        "99999999999999999999ms", "1y9223372036854775807ms"})
    void durationsBeyondAGoDurationAreOutOfRangeAsInPrometheus(String text) {
        assertThatThrownBy(() -> PromDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration out of range");
    }

    @Test
    void durationFormatsLikePrometheus() {
        // years and weeks only when exact, as model.Duration.String() (checked with promtool's eval_time output)
        assertThat(List.of(Duration.ZERO, Duration.ofSeconds(90), Duration.ofDays(8), Duration.ofMillis(1500),
                Duration.ofDays(14), Duration.ofDays(365), Duration.ofDays(372), Duration.ofDays(730).plusHours(1))
                .stream().map(PromDuration::format))
                .containsExactly("0s", "1m30s", "8d", "1s500ms", "2w", "1y", "372d", "730d1h");
    }
}
