package dev.tocsin.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.tocsin.haproxy.HaproxyFixture.disabled;
import static dev.tocsin.haproxy.HaproxyFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link HaproxyRules.Maintenance}: servers {@code disabled} in the config and put in MAINT over the socket. */
class HaproxyMaintenanceIT {

    @TempDir
    Path dir;
    HaproxyFixture haproxy;

    @BeforeEach
    void start() throws Exception {
        haproxy = new HaproxyFixture(dir)
                .backend("planned", disabled("p1"), disabled("p2"))
                .backend("app", server("s1"), server("s2"))
                .backend("broken", server("b1"))
                // servers whose names do not resolve: HAProxy holds them in "MAINT (resolution)", an outage
                .extraConfig(String.join("\n",
                        "resolvers nowhere",
                        "    nameserver ns1 127.0.0.1:" + HaproxyFixture.EXTRA_PORT,
                        "    timeout resolve 200ms",
                        "    hold nx 1s",
                        "backend unresolved",
                        "    server u1 app.invalid:80 check resolvers nowhere init-addr none",
                        "    server u2 app2.invalid:80 check resolvers nowhere init-addr none"))
                .start();
        haproxy.serverOf("broken", "b1").stop();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> haproxy.status("broken", "BACKEND"), s -> s.equals("DOWN"));
        assertThat(haproxy.status("planned", "BACKEND")).isEqualTo("DOWN");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> haproxy.status("unresolved", "u1"), s -> s.equals("MAINT (resolution)"));
        assertThat(haproxy.status("unresolved", "BACKEND")).isEqualTo("DOWN");
    }

    @AfterEach
    void stop() throws Exception {
        haproxy.close();
    }

    private List<Alert> firing(HaproxyRules.Maintenance m) {
        return firing(m, HaproxySource.builder().runtimeApi(haproxy.unixSocket()).build());
    }

    private static List<Alert> firing(HaproxyRules.Maintenance m, HaproxySource source) {
        try (Evaluator e = Evaluator.builder().source(source).rule(HaproxyRules.backendDown(m)).build()) {
            return e.evaluate(Instant.now()).stream().filter(a -> a.state() == AlertState.FIRING).toList();
        }
    }

    private static List<String> backends(List<Alert> alerts) {
        return alerts.stream().map(a -> a.labels().get("backend")).sorted().toList();
    }

    @Test
    void fireIsThePublishedBehaviour() {
        List<Alert> f = firing(HaproxyRules.Maintenance.FIRE);
        assertThat(backends(f)).containsExactly("broken", "planned", "unresolved");
        assertThat(f).allSatisfy(a -> assertThat(a.labels().get("severity")).isEqualTo("critical"));
    }

    @Test
    void suppressSilencesPlannedMaintenanceOnly() throws Exception {
        assertThat(backends(firing(HaproxyRules.Maintenance.SUPPRESS))).containsExactly("broken", "unresolved");
        haproxy.command("set server app/s1 state maint");
        haproxy.command("set server app/s2 state maint");
        await().atMost(Duration.ofSeconds(5)).until(() -> haproxy.status("app", "BACKEND"), s -> s.equals("DOWN"));
        assertThat(backends(firing(HaproxyRules.Maintenance.SUPPRESS))).containsExactly("broken", "unresolved");
        assertThat(backends(firing(HaproxyRules.Maintenance.FIRE)))
                .containsExactly("app", "broken", "planned", "unresolved");
    }

    @Test
    void serversLeftOutByExcludeServerStatesStillCountAsPlannedMaintenance() {
        HaproxySource withoutMaint = HaproxySource.builder().runtimeApi(haproxy.unixSocket())
                .excludeServerStates("MAINT").build();
        assertThat(backends(firing(HaproxyRules.Maintenance.SUPPRESS, withoutMaint)))
                .containsExactly("broken", "unresolved");
        List<Alert> marked = firing(HaproxyRules.Maintenance.MARK_PLANNED, HaproxySource.builder()
                .runtimeApi(haproxy.unixSocket()).excludeServerStates("MAINT").build());
        assertThat(marked).filteredOn(a -> a.labels().get("backend").equals("planned")).singleElement()
                .satisfies(a -> assertThat(a.labels().get("severity")).isEqualTo("info"));
    }

    @Test
    void markPlannedFiresWithInfoSeverity() {
        List<Alert> f = firing(HaproxyRules.Maintenance.MARK_PLANNED);
        assertThat(backends(f)).containsExactly("broken", "planned", "unresolved");
        Alert planned = f.stream().filter(a -> a.labels().get("backend").equals("planned")).findFirst().orElseThrow();
        assertThat(planned.labels().get("planned")).isEqualTo("true");
        assertThat(planned.labels().get("severity")).isEqualTo("info");
        assertThat(planned.context()).containsEntry("maintenance", "true");
        Alert broken = f.stream().filter(a -> a.labels().get("backend").equals("broken")).findFirst().orElseThrow();
        assertThat(broken.labels().get("severity")).isEqualTo("critical");
        assertThat(broken.labels().has("planned")).isFalse();
        // every server in MAINT, but because its name does not resolve: an outage
        Alert unresolved = f.stream().filter(a -> a.labels().get("backend").equals("unresolved")).findFirst()
                .orElseThrow();
        assertThat(unresolved.labels().get("severity")).isEqualTo("critical");
        assertThat(unresolved.context()).doesNotContainKey("maintenance");
        assertThat(unresolved.context().get("down_servers")).contains("u1: MAINT (resolution)",
                "u2: MAINT (resolution)");
    }
}
