package dev.tocsin.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Runbook;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertTextTest {

    private static final Instant ACTIVE = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant FIRED = Instant.parse("2026-01-02T03:04:06Z");
    private static final Instant RESOLVED = Instant.parse("2026-01-02T03:05:00Z");
    private static final Labels LABELS = Labels.of("alertname", "HaproxyBackendDown", "backend", "app",
            "instance", "lb1:8404", "job", "haproxy", "severity", "critical");
    private static final Runbook RUNBOOK = Runbook.builder("HaproxyBackendDown")
            .summary("HAProxy backend is down")
            .meaning("Every server of the backend fails its checks.")
            .diagnosisStep("Look at the stats page.")
            .diagnosisStep("Read the server logs.")
            .mitigationStep("Restart the servers.")
            .build();

    private static Alert alert(AlertState state, Instant resolvedAt) {
        Alert.Builder b = Alert.builder("HaproxyBackendDown", LABELS, state, ACTIVE)
                .annotations(Map.of("summary", "HAProxy backend down (instance lb1:8404)", "description",
                        "line 1\n  line 2"))
                .runbook(RUNBOOK).context(Map.of("servers_up", "0 of 2 servers UP", "down_servers",
                        "s1: DOWN; s2: DOWN"));
        if (state != AlertState.PENDING) {
            b.firedAt(FIRED);
        }
        if (resolvedAt != null) {
            b.resolvedAt(resolvedAt);
        }
        return b.build();
    }

    @Test
    void lineHasStateNameLabelsSummaryAndContext() {
        assertThat(AlertText.line(alert(AlertState.FIRING, null))).isEqualTo(
                "FIRING HaproxyBackendDown{backend=\"app\", instance=\"lb1:8404\", job=\"haproxy\","
                        + " severity=\"critical\"} HAProxy backend down (instance lb1:8404)"
                        + " [down_servers: s1: DOWN; s2: DOWN; servers_up: 0 of 2 servers UP]");
        assertThat(AlertText.line(alert(AlertState.RESOLVED, RESOLVED))).startsWith("RESOLVED HaproxyBackendDown{")
                .doesNotContain("down_servers");
    }

    @Test
    void controlCharactersNeverReachTheTerminal() {
        assertThat(AlertText.printable("a\u001b[2Jb\u0007c\u009bd\u007fe\tf\ng")).isEqualTo(
                "a\\x1b[2Jb\\x07c\\x9bd\\x7fe\tf\ng");
        assertThat(AlertText.printable("plain")).isEqualTo("plain");
        assertThat(AlertText.printable("abc\u202edef\u2028x")).isEqualTo("abc\\u202edef\\u2028x");
        Alert evil = Alert.builder("HaproxyBackendDown", LABELS, AlertState.FIRING, ACTIVE)
                .annotations(Map.of("summary", "down \u001b[31mred")).firedAt(FIRED).runbook(RUNBOOK).build();
        assertThat(AlertText.line(evil)).contains("down \\x1b[31mred").doesNotContain("\u001b");
        assertThat(AlertText.details(evil, "  ")).doesNotContain("\u001b");
    }

    @Test
    void transitionTimeIsTheTimeOfTheState() {
        assertThat(AlertText.transitionTime(alert(AlertState.PENDING, null))).isEqualTo(ACTIVE);
        assertThat(AlertText.transitionTime(alert(AlertState.FIRING, null))).isEqualTo(FIRED);
        assertThat(AlertText.transitionTime(alert(AlertState.RESOLVED, RESOLVED))).isEqualTo(RESOLVED);
    }

    @Test
    void jsonIsOneObjectOnOneLine() throws Exception {
        String json = AlertText.json(alert(AlertState.RESOLVED, RESOLVED));
        assertThat(json).doesNotContain("\n");
        JsonNode o = new ObjectMapper().readTree(json);
        assertThat(o.path("time").asText()).isEqualTo(RESOLVED.toString());
        assertThat(o.path("state").asText()).isEqualTo("RESOLVED");
        assertThat(o.path("alertname").asText()).isEqualTo("HaproxyBackendDown");
        assertThat(o.path("labels").path("backend").asText()).isEqualTo("app");
        assertThat(o.path("annotations").path("description").asText()).isEqualTo("line 1\n  line 2");
        assertThat(o.path("value").asDouble()).isEqualTo(0);
        assertThat(o.path("activeAt").asText()).isEqualTo(ACTIVE.toString());
        assertThat(o.path("firedAt").asText()).isEqualTo(FIRED.toString());
        assertThat(o.path("resolvedAt").asText()).isEqualTo(RESOLVED.toString());
        assertThat(o.path("context").path("servers_up").asText()).isEqualTo("0 of 2 servers UP");
        assertThat(o.path("runbook").path("title").asText()).isEqualTo("HaproxyBackendDown");
        assertThat(new ObjectMapper().readTree(AlertText.json(alert(AlertState.PENDING, null))).has("firedAt"))
                .isFalse();
    }

    @Test
    void detailsShowAnnotationsContextAndRunbookSteps() {
        String text = AlertText.details(alert(AlertState.FIRING, null), "  ");
        assertThat(text).contains("  HaproxyBackendDown is FIRING (since " + FIRED + ", value 0.0)\n",
                "    description: line 1\n                 line 2\n",
                "    down_servers: s1: DOWN\n                  s2: DOWN\n",
                "  Runbook: HaproxyBackendDown\n",
                "    Meaning: Every server of the backend fails its checks.\n",
                "    Diagnosis:\n      1. Look at the stats page.\n      2. Read the server logs.\n",
                "    Mitigation:\n      1. Restart the servers.\n");
        assertThat(text.lines()).allMatch(l -> l.startsWith("  "));
    }
}
