package dev.tocsin.haproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tocsin.core.Runbook;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbooks shipped in {@code dev/tocsin/haproxy/runbooks/} parse, are complete, and document exactly the rule of
 * the haproxy-exporter-v1 pack (a byte-identical copy of the reference pack is in the test resources).
 */
class RunbookResourcesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"HaproxyBackendDown", "HaproxyServerDown", "HaproxyDown"})
    void runbookIsCompleteAndMatchesThePack(String alert) throws IOException {
        Runbook runbook = Runbook.fromResource(RunbookResourcesTest.class, "runbooks/" + alert + ".md");
        JsonNode packRule = packRule(alert);

        assertThat(runbook.title()).isEqualTo(alert);
        assertThat(runbook.summary()).isEqualTo(packRule.at("/annotations/description").asText().split("\n")[0]);
        assertThat(runbook.meaning()).isNotBlank();
        assertThat(runbook.impact()).isNotBlank();
        assertThat(runbook.impactPoints()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(runbook.diagnosis()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(runbook.mitigation()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(runbook.notes()).isNotBlank();
        assertThat(runbook.url()).contains(URI.create("https://github.com/srerun/prometheus-alerts/blob/main/content/"
                + "runbooks/haproxy-exporter-v1/" + alert + ".md"));

        JsonNode documented = YAML.readTree(runbook.ruleDefinition().orElseThrow());
        assertThat(documented.path("alert").asText()).isEqualTo(alert);
        assertThat(documented.path("expr").asText()).isEqualTo(packRule.path("expr").asText());
        assertThat(documented.path("for").asText()).isEqualTo(packRule.path("for").asText());
        assertThat(documented.path("labels")).isEqualTo(packRule.path("labels"));
        assertThat(documented.at("/annotations/summary")).isEqualTo(packRule.at("/annotations/summary"));
        assertThat(documented.at("/annotations/description")).isEqualTo(packRule.at("/annotations/description"));
        assertThat(documented.at("/annotations/runbook").asText()).isEqualTo(runbook.url().orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HaproxyBackendDown", "HaproxyServerDown", "HaproxyDown"})
    void diagnosisPointsAtHaproxysOwnView(String alert) {
        Runbook runbook = Runbook.fromResource(RunbookResourcesTest.class, "runbooks/" + alert + ".md");
        assertThat(String.join("\n", runbook.diagnosis())).contains("socat");
    }

    private static JsonNode packRule(String alert) throws IOException {
        try (InputStream in = RunbookResourcesTest.class.getResourceAsStream("runbooks/haproxy-exporter-v1.yml")) {
            for (JsonNode rule : YAML.readTree(in).at("/groups/0/rules")) {
                if (rule.path("alert").asText().equals(alert)) {
                    return rule;
                }
            }
        }
        throw new AssertionError("alert " + alert + " is not in the pack");
    }
}
