package dev.tocsin.haproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.internal.BuiltRule;
import dev.tocsin.core.rules.RuleFiles;
import dev.tocsin.core.rules.RuleGroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HaproxyRules#exporterV1()} and {@link HaproxyRules#embeddedV2()} are the reference packs (byte-identical copies
 * in the test resources, read here with Jackson independently of {@link RuleFiles}), rule for rule, each with a
 * complete runbook.
 */
class HaproxyRulePacksTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @CsvSource({"haproxy-exporter-v1.yml, 16", "embedded-exporter-v2.yml, 14"})
    void bundledPackIsByteIdenticalToTheReference(String file, int rules) throws IOException {
        byte[] bundled = bytes(HaproxyRules.class, "packs/" + file);
        byte[] reference = bytes(HaproxyRulePacksTest.class, "packs/" + file);
        assertThat(bundled).isEqualTo(reference);
        assertThat(YAML.readTree(reference).at("/groups/0/rules")).hasSize(rules);
    }

    @ParameterizedTest
    @CsvSource({"haproxy-exporter-v1.yml, v1", "embedded-exporter-v2.yml, v2"})
    void everyRuleOfThePackLoadsWithTheSameDefinition(String file, String preset) throws IOException {
        List<JsonNode> expected = new ArrayList<>();
        YAML.readTree(bytes(HaproxyRulePacksTest.class, "packs/" + file)).at("/groups/0/rules").forEach(expected::add);
        List<Rule> rules = preset(preset).get();

        assertThat(rules).extracting(Rule::name)
                .containsExactlyElementsOf(expected.stream().map(r -> r.path("alert").asText()).toList());
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            JsonNode want = expected.get(i);
            assertThat(rule).as(rule.name()).isInstanceOf(BuiltRule.class);
            assertThat(rule.expr()).as(rule.name()).contains(want.path("expr").asText());
            assertThat(rule.forDuration()).as(rule.name()).isEqualTo(promDuration(want.path("for").asText()));
            assertThat(rule.keepFiringFor()).as(rule.name()).isEqualTo(Duration.ZERO);
            assertThat(rule.labels()).as(rule.name()).isEqualTo(stringMap(want.path("labels")));
            assertThat(rule.annotations()).as(rule.name()).isEqualTo(stringMap(want.path("annotations")));
        }
    }

    @ParameterizedTest
    @CsvSource({"haproxy-exporter-v1.yml", "embedded-exporter-v2.yml"})
    void theWholePackIsSupportedByTheEvaluator(String file) throws IOException {
        String yaml = new String(bytes(HaproxyRulePacksTest.class, "packs/" + file), StandardCharsets.UTF_8);
        RuleGroups loaded = RuleFiles.parse(file, yaml, RuleFiles.Options.skippingUnsupported());
        assertThat(loaded.skipped()).as("rules of %s the evaluator cannot run", file).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"v1", "v2"})
    void everyRuleHasACompleteRunbookAboutItself(String preset) throws IOException {
        for (Rule rule : preset(preset).get()) {
            Runbook runbook = rule.runbook().orElseThrow(() -> new AssertionError(rule.name() + " has no runbook"));
            assertThat(runbook.title()).isEqualTo(rule.name());
            assertThat(runbook.meaning()).as(rule.name()).isNotBlank();
            assertThat(runbook.impactPoints()).as(rule.name()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(runbook.diagnosis()).as(rule.name()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(runbook.mitigation()).as(rule.name()).hasSizeGreaterThanOrEqualTo(3);
            JsonNode documented = YAML.readTree(runbook.ruleDefinition().orElseThrow());
            assertThat(documented.path("alert").asText()).isEqualTo(rule.name());
            assertThat(documented.path("expr").asText())
                    .isEqualTo(rule.expr().orElseThrow());
        }
    }

    @Test
    void theV1AvailabilityRulesKeepTheirRunbooksAndContext() {
        Map<String, Rule> byName = new LinkedHashMap<>();
        HaproxyRules.exporterV1().forEach(r -> byName.put(r.name(), r));
        assertThat(byName.get("HaproxyBackendDown").runbook()).isEqualTo(HaproxyRules.backendDown().runbook());
        assertThat(byName.get("HaproxyServerDown").runbook()).isEqualTo(HaproxyRules.serverDown().runbook());
        assertThat(byName.get("HaproxyDown").runbook()).isEqualTo(HaproxyRules.haproxyDown().runbook());
    }

    @ParameterizedTest
    @CsvSource({
        "HaproxyDown, HaproxyDown",
        "HaproxyRetryHigh(v1), HaproxyRetryHigh-v1",
        "HaproxyBackendMaxActiveSession>80%, HaproxyBackendMaxActiveSession-gt80pct",
        "'a/b c', a_b_c",
    })
    void runbookFileNamesAreSafe(String alert, String file) {
        assertThat(HaproxyRules.runbookFileName(alert)).isEqualTo(file);
    }

    @Test
    void aV1RateRuleGoesPendingThenFiresOnCounterHistory() {
        double[] fiveXx = {0};
        MetricSource source = new MetricSource() {
            @Override
            public String instance() {
                return "lb:8404";
            }

            @Override
            public String job() {
                return "haproxy";
            }

            @Override
            public List<Sample> collect() {
                return List.of(
                        Sample.of("haproxy_server_http_responses_total", fiveXx[0], "backend", "app", "server", "s1",
                                "code", "5xx"),
                        Sample.of("haproxy_server_http_responses_total", 10, "backend", "app", "server", "s1",
                                "code", "2xx"));
            }
        };
        try (Evaluator evaluator = Evaluator.builder().source(source).rules(HaproxyRules.exporterV1()).build()) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            evaluator.evaluate(t0);
            assertThat(alerts(evaluator, "HaproxyHighHttp5xxErrorRateBackend(v1)")).isEmpty();
            fiveXx[0] = 100;
            evaluator.evaluate(t0.plusSeconds(15));
            assertThat(alerts(evaluator, "HaproxyHighHttp5xxErrorRateBackend(v1)")).singleElement()
                    .satisfies(a -> {
                        assertThat(a.state()).isEqualTo(AlertState.PENDING);
                        assertThat(a.labels().get("backend")).isEqualTo("app");
                        assertThat(a.annotations().get("description")).startsWith(
                                "Too many HTTP requests with status 5xx (> 5%) on backend app");
                    });
            fiveXx[0] = 200;
            evaluator.evaluate(t0.plusSeconds(45));
            fiveXx[0] = 300;
            evaluator.evaluate(t0.plusSeconds(75));
            assertThat(alerts(evaluator, "HaproxyHighHttp5xxErrorRateBackend(v1)")).singleElement()
                    .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.FIRING));
            assertThat(alerts(evaluator, "HaproxyHighHttp4xxErrorRateBackend(v1)")).isEmpty();
        }
    }

    private static List<Alert> alerts(Evaluator evaluator, String rule) {
        return evaluator.alerts().stream().filter(a -> a.ruleName().equals(rule)).toList();
    }

    @ParameterizedTest
    @CsvSource({"v1", "v2"})
    void everyPackRuleDeclaresTheMetricsItReadsSoSourcesCanSkipTheRest(String preset) {
        for (Rule rule : preset(preset).get()) {
            assertThat(rule.reads()).as(rule.name()).isPresent();
            assertThat(rule.reads().orElseThrow()).as(rule.name()).isNotEmpty()
                    .allMatch(n -> n.startsWith("haproxy_"));
        }
        for (Rule rule : List.of(HaproxyRules.backendDown(), HaproxyRules.serverDown(), HaproxyRules.haproxyDown(),
                HaproxyRules.backendDown(HaproxyRules.Maintenance.SUPPRESS),
                HaproxyRules.backendDown(HaproxyRules.Maintenance.MARK_PLANNED))) {
            assertThat(rule.reads()).as(rule.name()).isPresent();
        }
        assertThat(HaproxyRules.backendDown().reads().orElseThrow())
                .contains("haproxy_backend_up", "haproxy_server_status", "haproxy_server_check_status");
        assertThat(HaproxyRules.haproxyDown().reads()).contains(java.util.Set.of("haproxy_up"));
    }

    private static Supplier<List<Rule>> preset(String name) {
        return name.equals("v1") ? HaproxyRules::exporterV1 : HaproxyRules::embeddedV2;
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Duration promDuration(String text) {
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        switch (text.charAt(text.length() - 1)) {
            case 's':
                return Duration.ofSeconds(n);
            case 'm':
                return Duration.ofMinutes(n);
            case 'h':
                return Duration.ofHours(n);
            default:
                throw new AssertionError("unexpected duration in the pack: " + text);
        }
    }

    private static byte[] bytes(Class<?> anchor, String resource) throws IOException {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return in.readAllBytes();
        }
    }
}
