package dev.tocsin.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parses the user's seed runbook (a byte-identical copy of shared/seeds/HaproxyBackendDown.md). */
class RunbookTest {

    private final Runbook seed = Runbook.fromResource(RunbookTest.class, "HaproxyBackendDown.md");

    @Test
    void titleAndSummary() {
        assertThat(seed.title()).isEqualTo("HaproxyBackendDown");
        assertThat(seed.summary()).isEqualTo("HAProxy backend is down");
    }

    @Test
    void meaning() {
        assertThat(seed.meaning()).isEqualTo("The HaproxyBackendDown alert is triggered when the HAProxy backend is "
                + "down, indicating that the backend server is not responding or is unavailable. This alert is "
                + "critical, as it directly impacts the availability of the application or service being load "
                + "balanced by HAProxy.");
    }

    @Test
    void impactProseAndBullets() {
        assertThat(seed.impact()).isEqualTo("The impact of this alert is high, as it affects the availability of the "
                + "application or service, leading to:");
        assertThat(seed.impactPoints()).containsExactly(
                "Downtime or unresponsiveness of the application or service",
                "Potential loss of revenue or business impact",
                "Negative user experience",
                "Increased latency or errors");
    }

    @Test
    void diagnosisSteps() {
        assertThat(seed.diagnosis()).containsExactly(
                "Check the HAProxy dashboard or logs to identify the specific backend server that is down.",
                "Verify the backend server's status using tools like `curl` or `telnet` to check connectivity.",
                "Investigate the backend server's system logs for any errors or issues that may be causing the "
                        + "downtime.",
                "Check the network connectivity between HAProxy and the backend server.",
                "Review the HAProxy configuration to ensure that it is correct and up-to-date.");
    }

    @Test
    void mitigationSteps() {
        assertThat(seed.mitigation()).containsExactly(
                "Restart the backend server or container if it is down.",
                "Check and resolve any network connectivity issues between HAProxy and the backend server.",
                "Verify that the backend server's configuration is correct and up-to-date.",
                "Check for any software or application-level issues on the backend server and resolve them.",
                "If the issue persists, consider adding additional backend servers or increasing the capacity of the "
                        + "existing ones to maintain high availability.");
    }

    @Test
    void notes() {
        assertThat(seed.notes()).isEqualTo("Remember to update the alert annotation with any additional information "
                + "gathered during the diagnosis and mitigation process.");
    }

    @Test
    void urlComesFromTheRulesRunbookAnnotation() {
        assertThat(seed.url()).contains(URI.create("https://github.com/srerun/prometheus-alerts/blob/main/content/"
                + "runbooks/haproxy-exporter-v1/HaproxyBackendDown.md"));
    }

    @Test
    void ruleDefinitionIsTheFencedYaml() {
        String rule = seed.ruleDefinition().orElseThrow();
        assertThat(rule).startsWith("alert: HaproxyBackendDown\nexpr: haproxy_backend_up == 0\nfor: 0m\n")
                .contains("expr: haproxy_backend_up == 0")
                .contains("    severity: critical\n")
                .contains("    description: |-\n        HAProxy backend is down\n          VALUE = {{ $value }}\n")
                .endsWith("runbook: https://github.com/srerun/prometheus-alerts/blob/main/content/runbooks/"
                        + "haproxy-exporter-v1/HaproxyBackendDown.md\n")
                .doesNotContain("```", "{{%", "<details>", "\n\n");
    }

    @Test
    void crlfLineEndsParseTheSame() {
        String lf = seedText().replace("\r\n", "\n");
        assertThat(Runbook.parseMarkdown(lf.replace("\n", "\r\n"))).isEqualTo(seed);
        assertThat(Runbook.parseMarkdown(lf.replace("\n", "\r"))).isEqualTo(seed);
        assertThat(Runbook.parseMarkdown("\uFEFF" + lf)).isEqualTo(seed);
    }

    private static String seedText() {
        try (InputStream in = RunbookTest.class.getResourceAsStream("HaproxyBackendDown.md")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void missingResourceIsReported() {
        assertThatThrownBy(() -> Runbook.fromResource(RunbookTest.class, "NoSuchRunbook.md"))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(RunbookFormatException.class)
                .hasMessageContaining("NoSuchRunbook.md");
        // the message says where it was looked for: relative names resolve against the anchor's package
        assertThatThrownBy(() -> Runbook.fromResource(RunbookTest.class, "runbooks/Missing.md"))
                .hasMessage("runbook resource not found: runbooks/Missing.md (looked up as"
                        + " /dev/tocsin/core/runbooks/Missing.md on the class path of dev.tocsin.core.RunbookTest;"
                        + " a name without a leading '/' is relative to the anchor's package)");
        assertThatThrownBy(() -> Runbook.fromResource(RunbookTest.class, "/runbooks/Missing.md"))
                .hasMessage("runbook resource not found: /runbooks/Missing.md (looked up as /runbooks/Missing.md"
                        + " on the class path of dev.tocsin.core.RunbookTest)");
        assertThat(Runbook.fromResource(RunbookTest.class, "/dev/tocsin/core/HaproxyBackendDown.md"))
                .isEqualTo(seed);
    }

    @Test
    void toStringNamesTitleAndStepCounts() {
        assertThat(seed.toString()).contains("HaproxyBackendDown", "5 diagnosis steps", "5 mitigation steps");
    }

    @Test
    void toTextGivesEveryPartThatIsNotEmptyOneParagraphPerLine() {
        Runbook rb = Runbook.builder("BackendDown").summary("A backend has no server left.")
                .meaning("Every server\n  fails its checks.").impactPoint("Requests get 503.")
                .diagnosisStep("Look at the stats page.").diagnosisStep("Read the\nserver logs.")
                .mitigationStep("Restart the servers.")
                .url(java.net.URI.create("https://user:secret@runbooks.example/BackendDown")).build();
        assertThat(rb.toText()).isEqualTo("BackendDown\n"
                + "Summary: A backend has no server left.\n"
                + "Meaning: Every server fails its checks.\n"
                + "Impact:\n"
                + "  - Requests get 503.\n"
                + "Diagnosis:\n"
                + "  1. Look at the stats page.\n"
                + "  2. Read the server logs.\n"
                + "Mitigation:\n"
                + "  1. Restart the servers.\n"
                + "More: https://runbooks.example/BackendDown\n");
        assertThat(Runbook.builder("Bare").build().toText()).isEqualTo("Bare\n");
        assertThat(Runbook.builder("N").impact("Slow.").notes("Seen\r\nbefore.").build().toText())
                .isEqualTo("N\nImpact: Slow.\nNotes: Seen before.\n");
    }

    @Test
    void aBadResourceIsNamedInTheError() {
        assertThatThrownBy(() -> Runbook.fromResource(RunbookTest.class, "BadRunbook.md"))
                .isInstanceOf(RunbookFormatException.class)
                .hasMessageStartingWith("runbook BadRunbook.md at line 1: ")
                .satisfies(e -> assertThat(((RunbookFormatException) e).line()).isEqualTo(1));
    }
}
