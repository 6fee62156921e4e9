package dev.tocsin.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.internal.notify.TestAlerts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TocsinModuleTest {

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new TocsinModule());

    @Test
    void serializesAlertWithoutNullsAndWithGoTimes() throws Exception {
        Alert a = TestAlerts.firing("R", "app", Instant.parse("2026-11-25T18:00:00.120Z"),
                Instant.parse("2026-11-25T18:01:00Z"));
        JsonNode n = mapper.readTree(mapper.writeValueAsString(a));
        assertThat(n.get("ruleName").asText()).isEqualTo("R");
        assertThat(n.get("state").asText()).isEqualTo("firing");
        assertThat(n.get("labels").get("backend").asText()).isEqualTo("app");
        assertThat(n.get("activeAt").asText()).isEqualTo("2026-11-25T18:00:00.12Z");
        assertThat(n.get("firedAt").asText()).isEqualTo("2026-11-25T18:01:00Z");
        assertThat(n.has("resolvedAt")).isFalse();
        assertThat(n.get("fingerprint").asText()).hasSize(16);
        assertThat(n.get("runbook").get("diagnosis")).hasSize(4);
        assertThat(n.get("context").get("down_servers").asText()).isEqualTo("s1 (DOWN)");
        assertThat(mapper.writeValueAsString(a)).doesNotContain("null");
    }

    @Test
    void nonFiniteValuesAreWrittenAsPrometheusStrings() throws Exception {
        Alert a = Alert.builder("R", Labels.of("alertname", "R"), AlertState.PENDING, Instant.EPOCH).value(Double.NaN)
                .build();
        JsonNode n = mapper.readTree(mapper.writeValueAsString(a));
        assertThat(n.get("value").asText()).isEqualTo("NaN");
        assertThat(n.has("runbook")).isFalse();
        assertThat(n.has("context")).isFalse();
    }

    @Test
    void labelsAndStatesRoundTrip() throws Exception {
        Labels l = Labels.of("b", "2", "a", "1");
        assertThat(mapper.writeValueAsString(l)).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(mapper.readValue("{\"a\":\"1\",\"b\":\"2\"}", Labels.class)).isEqualTo(l);
        assertThat(mapper.writeValueAsString(AlertState.RESOLVED)).isEqualTo("\"resolved\"");
        assertThat(mapper.readValue("\"firing\"", AlertState.class)).isEqualTo(AlertState.FIRING);
        assertThatThrownBy(() -> mapper.readValue("{\"1x\":\"v\"}", Labels.class)).hasMessageContaining("1x");
        assertThatThrownBy(() -> mapper.readValue("\"burning\"", AlertState.class))
                .hasMessageContaining("burning");
    }

    @Test
    void aProblemHandlerCanTurnAValueIntoAStringButNeverBreaksTheTypes() throws Exception {
        ObjectMapper lenient = new ObjectMapper().registerModule(new TocsinModule()).addHandler(
                new com.fasterxml.jackson.databind.deser.DeserializationProblemHandler() {
                    @Override
                    public Object handleUnexpectedToken(com.fasterxml.jackson.databind.DeserializationContext ctxt,
                            com.fasterxml.jackson.databind.JavaType targetType, com.fasterxml.jackson.core.JsonToken t,
                            com.fasterxml.jackson.core.JsonParser p, String failureMsg) throws java.io.IOException {
                        return p.getText(); // a scalar as its text, whatever was expected
                    }
                });
        assertThat(lenient.readValue("{\"port\":8080}", Labels.class)).isEqualTo(Labels.of("port", "8080"));
        // a string where a label set belongs is not one: a typed error, not a ClassCastException
        assertThatThrownBy(() -> lenient.readValue("\"x\"", Labels.class))
                .isInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class);
    }

    @Test
    void serializesRunbookStructure() throws Exception {
        Runbook rb = TestAlerts.runbook("R");
        JsonNode n = mapper.readTree(mapper.writeValueAsString(rb));
        assertThat(n.get("title").asText()).isEqualTo("R");
        assertThat(n.get("impactPoints").get(0).asText()).isEqualTo("Requests fail with 503.");
        assertThat(n.get("mitigation").get(0).asText()).isEqualTo("Restart the servers.");
        assertThat(n.has("url")).isFalse();
    }
}
