package dev.tocsin.haproxy.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Sample;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackendDiagnosticsTest {

    static MetricsView view(List<Sample> samples) {
        return new MetricsView() {
            @Override
            public Instant time() {
                return Instant.EPOCH;
            }

            @Override
            public List<Sample> series(String metricName) {
                List<Sample> out = new ArrayList<>();
                for (Sample s : samples) {
                    if (s.metricName().equals(metricName)) {
                        out.add(s);
                    }
                }
                return out;
            }
        };
    }

    static void server(List<Sample> out, String instance, String backend, String server, String state,
                       String check, String desc, String lastChk, long lastChange) {
        for (String st : List.of("UP", "DOWN", "MAINT", "DRAIN", "NOLB")) {
            out.add(Sample.of("haproxy_server_status", st.equals(state) ? 1 : 0, "instance", instance, "job",
                    "haproxy", "backend", backend, "server", server, "state", st));
        }
        out.add(Sample.of("haproxy_server_up", state.equals("UP") ? 1 : 0, "instance", instance, "job", "haproxy",
                "backend", backend, "server", server));
        out.add(Sample.of("haproxy_server_check_status", 1, "instance", instance, "job", "haproxy", "backend",
                backend, "server", server, "check_status", check, "check_desc", desc));
        out.add(Sample.of("haproxy_server_check_info", 1, "instance", instance, "job", "haproxy", "backend",
                backend, "server", server, "last_chk", lastChk));
        out.add(Sample.of("haproxy_server_last_change_seconds", lastChange, "instance", instance, "job", "haproxy",
                "backend", backend, "server", server));
    }

    static Labels alert(String instance, String backend) {
        return Labels.of("alertname", "HaproxyBackendDown", "instance", instance, "job", "haproxy", "backend",
                backend, "severity", "critical");
    }

    @Test
    void listsTheDownServersOfTheAlertsBackendOnly() {
        List<Sample> s = new ArrayList<>();
        server(s, "lb1", "app", "s1", "DOWN", "L4CON", "Layer4 connection problem", "Connection refused", 12);
        server(s, "lb1", "app", "s2", "DOWN", "L7STS", "Layer7 wrong status", "HTTP status check returned code <503>",
                3);
        server(s, "lb1", "other", "o1", "DOWN", "L4TOUT", "Layer4 timeout", "", 1);
        server(s, "lb2", "app", "s1", "UP", "L7OK", "Layer7 check passed", "", 99);
        Map<String, String> ctx = BackendDiagnostics.backendContext(alert("lb1", "app"), view(s));
        assertThat(ctx).containsEntry(BackendDiagnostics.DOWN_SERVERS,
                "s1: DOWN, L4CON Layer4 connection problem (Connection refused), 12s since last change; "
                        + "s2: DOWN, L7STS Layer7 wrong status (HTTP status check returned code <503>), "
                        + "3s since last change")
                .containsEntry(BackendDiagnostics.SERVERS_UP, "0 of 2 servers UP")
                .doesNotContainKey(BackendDiagnostics.MAINTENANCE);
    }

    @Test
    void recognisesABackendWhoseServersAreAllInMaintenance() {
        List<Sample> s = new ArrayList<>();
        server(s, "lb1", "app", "s1", "MAINT", "", "", "", 5);
        server(s, "lb1", "app", "s2", "MAINT", "", "", "", 5);
        server(s, "lb1", "mixed", "m1", "MAINT", "", "", "", 5);
        server(s, "lb1", "mixed", "m2", "DOWN", "L4CON", "Layer4 connection problem", "", 5);
        MetricsView v = view(s);
        assertThat(BackendDiagnostics.allInMaintenance(v, alert("lb1", "app"))).isTrue();
        assertThat(BackendDiagnostics.allInMaintenance(v, alert("lb1", "mixed"))).isFalse();
        assertThat(BackendDiagnostics.allInMaintenance(v, alert("lb1", "empty"))).isFalse();
        assertThat(BackendDiagnostics.backendContext(alert("lb1", "app"), v))
                .containsEntry(BackendDiagnostics.MAINTENANCE, "true");
    }

    @Test
    void prefersTheBackendAggregatesWhenPresent() {
        List<Sample> s = new ArrayList<>();
        s.add(Sample.of("haproxy_backend_servers_total", 2, "instance", "lb1", "job", "haproxy", "backend", "app"));
        s.add(Sample.of("haproxy_backend_servers", 2, "instance", "lb1", "job", "haproxy", "backend", "app",
                "state", "MAINT"));
        s.add(Sample.of("haproxy_backend_servers_total", 2, "instance", "lb1", "job", "haproxy", "backend", "b"));
        s.add(Sample.of("haproxy_backend_servers", 1, "instance", "lb1", "job", "haproxy", "backend", "b",
                "state", "MAINT"));
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "app"))).isTrue();
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "b"))).isFalse();
        // every server in MAINT, some because their name does not resolve (a server-template's spare slots read so
        // while DNS is fine): planned while one is in maintenance for another reason; all unresolved is an outage
        s.add(Sample.of("haproxy_backend_servers_unresolved", 0, "instance", "lb1", "job", "haproxy", "backend",
                "app"));
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "app"))).isTrue();
        s.set(s.size() - 1, Sample.of("haproxy_backend_servers_unresolved", 1, "instance", "lb1", "job", "haproxy",
                "backend", "app"));
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "app"))).isTrue();
        s.set(s.size() - 1, Sample.of("haproxy_backend_servers_unresolved", 2, "instance", "lb1", "job", "haproxy",
                "backend", "app"));
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "app"))).isFalse();
    }

    @Test
    void withoutAggregatesTheStatusInfoTellsUnresolvedServers() {
        List<Sample> s = new ArrayList<>();
        for (String server : List.of("slot1", "slot2")) {
            server(s, "lb1", "tmpl", server, "MAINT", "", "", "", 5);
            server(s, "lb1", "dns", server, "MAINT", "", "", "", 5);
            s.add(Sample.of("haproxy_server_status_info", 1, "instance", "lb1", "job", "haproxy", "backend", "dns",
                    "server", server, "status", "MAINT (resolution)"));
        }
        s.add(Sample.of("haproxy_server_status_info", 1, "instance", "lb1", "job", "haproxy", "backend", "tmpl",
                "server", "slot2", "status", "MAINT (resolution)"));
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "tmpl"))).isTrue();
        assertThat(BackendDiagnostics.allInMaintenance(view(s), alert("lb1", "dns"))).isFalse();
    }

    /** Parked slots of a server-template as HAProxy 2.6 shows them, mapped by the real mapper. */
    @Test
    void aTemplatesParkedSlotsDoNotMakePlannedMaintenanceAnOutage() {
        String csv = "# pxname,svname,status,type,\n" + "app,srv1,MAINT,2,\n" + "app,srv2,MAINT (resolution),2,\n"
                + "app,srv3,MAINT (resolution),2,\n" + "app,BACKEND,DOWN,1,\n"
                + "dns,srv1,MAINT (resolution),2,\n" + "dns,BACKEND,DOWN,1,\n";
        for (java.util.Set<String> excluded : List.of(java.util.Set.<String>of(), java.util.Set.of("MAINT (resolution)"))) {
            dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper m = new dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper(
                    new dev.tocsin.haproxy.internal.csv.MappingOptions(dev.tocsin.haproxy.StatusMapping.FIXED,
                            java.util.Set.of(), excluded, Labels.of("instance", "lb1", "job", "haproxy")));
            byte[] b = csv.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MetricsView v = view(m.map(b, b.length).samples());
            assertThat(BackendDiagnostics.allInMaintenance(v, alert("lb1", "app"))).as("excluded %s", excluded)
                    .isTrue();
            assertThat(BackendDiagnostics.allInMaintenance(v, alert("lb1", "dns"))).as("excluded %s", excluded)
                    .isFalse();
        }
    }

    @Test
    void aStatusWithAReasonIsShownWhole() {
        List<Sample> s = new ArrayList<>();
        server(s, "lb1", "app", "s1", "DOWN", "L4OK", "Layer4 check passed", "", 4);
        s.add(Sample.of("haproxy_server_status_info", 1, "instance", "lb1", "job", "haproxy", "backend", "app",
                "server", "s1", "status", "DOWN (agent)"));
        assertThat(BackendDiagnostics.backendContext(alert("lb1", "app"), view(s)))
                .containsEntry(BackendDiagnostics.DOWN_SERVERS,
                        "s1: DOWN (agent), L4OK Layer4 check passed, 4s since last change");
    }

    @Test
    void aDownBackendWhoseServersAreAllUpIsNotSaidToHaveNoServers() {
        List<Sample> s = new ArrayList<>();
        server(s, "lb1", "app", "s1", "UP", "L4OK", "Layer4 check passed", "", 30);
        assertThat(BackendDiagnostics.backendContext(alert("lb1", "app"), view(s)))
                .containsEntry(BackendDiagnostics.DOWN_SERVERS,
                        "none (every server UP; HAProxy gives the backend no usable server, e.g. all of weight 0)")
                .containsEntry(BackendDiagnostics.SERVERS_UP, "1 of 1 servers UP");
        assertThat(BackendDiagnostics.backendContext(alert("lb1", "gone"), view(s)))
                .containsEntry(BackendDiagnostics.DOWN_SERVERS, "none reported (no server series for this backend)");
    }

    @Test
    void serverContextDescribesTheOneServer() {
        List<Sample> s = new ArrayList<>();
        server(s, "lb1", "app", "s1", "DOWN", "L4CON", "Layer4 connection problem", "Connection refused", 7);
        Labels a = Labels.of("instance", "lb1", "job", "haproxy", "backend", "app", "server", "s1");
        assertThat(BackendDiagnostics.serverContext(a, view(s))).containsEntry(BackendDiagnostics.SERVER_STATUS,
                "s1: DOWN, L4CON Layer4 connection problem (Connection refused), 7s since last change");
    }

    @Test
    void declaresEveryMetricItReads() {
        List<Sample> s = new ArrayList<>();
        server(s, "lb1", "app", "s1", "DOWN", "L4CON", "Layer4 connection problem", "Connection refused", 12);
        java.util.Set<String> asked = new java.util.TreeSet<>();
        MetricsView all = view(s);
        MetricsView recording = new MetricsView() {
            @Override
            public Instant time() {
                return all.time();
            }

            @Override
            public List<Sample> series(String metricName) {
                asked.add(metricName);
                return all.series(metricName);
            }
        };
        BackendDiagnostics.backendContext(alert("lb1", "app"), recording);
        BackendDiagnostics.serverContext(Labels.of("instance", "lb1", "job", "haproxy", "backend", "app", "server",
                "s1"), recording);
        BackendDiagnostics.allInMaintenance(recording, alert("lb1", "app"));

        assertThat(asked).isNotEmpty();
        assertThat(List.of(BackendDiagnostics.reads())).containsAll(asked);
    }

    @Test
    void eachAlertOfOneViewGetsItsOwnBackendAndANewEvaluationSeesNewStates() {
        List<Sample> samples = new ArrayList<>();
        for (int b = 0; b < 50; b++) {
            for (int sv = 0; sv < 4; sv++) {
                server(samples, "lb1:8404", "be" + b, "s" + sv, sv == b % 4 ? "DOWN" : "UP", "L4CON", "refused",
                        "", 7);
            }
        }
        Instant[] now = {Instant.EPOCH};
        MetricsView view = new MetricsView() {
            @Override
            public Instant time() {
                return now[0];
            }

            @Override
            public List<Sample> series(String metricName) {
                return view(samples).series(metricName);
            }
        };
        for (int b = 0; b < 50; b++) {
            int down = b % 4;
            assertThat(BackendDiagnostics.backendContext(alert("lb1:8404", "be" + b), view))
                    .containsEntry(BackendDiagnostics.SERVERS_UP, "3 of 4 servers UP")
                    .hasEntrySatisfying(BackendDiagnostics.DOWN_SERVERS,
                            v -> assertThat(v).startsWith("s" + down + ": DOWN").doesNotContain(";"));
        }
        // at a new time (a new evaluation): the first backends are looked up by their own scan, a later one builds
        // the whole view's index; backends with the same pattern of states get the same facts either way
        now[0] = Instant.EPOCH.plusSeconds(5);
        List<Map<String, String>> scanned = new ArrayList<>();
        for (int b = 0; b < BackendDiagnostics.DIRECT_LOOKUPS; b++) {
            scanned.add(BackendDiagnostics.backendContext(alert("lb1:8404", "be" + b), view));
        }
        for (int b = 0; b < BackendDiagnostics.DIRECT_LOOKUPS; b++) {
            // be(44 + b) has the same down server as be(b) (b % 4)
            assertThat(BackendDiagnostics.backendContext(alert("lb1:8404", "be" + (44 + b)), view))
                    .isEqualTo(scanned.get(b));
        }
        assertThat(scanned.get(1)).containsEntry(BackendDiagnostics.SERVERS_UP, "3 of 4 servers UP");
        assertThat(BackendDiagnostics.backendContext(alert("lb2:8404", "be0"), view))
                .containsEntry(BackendDiagnostics.SERVERS_UP, "0 of 0 servers UP");
        // the same view object at a later evaluation time with other states: not the cached facts
        samples.clear();
        server(samples, "lb1:8404", "be0", "s0", "MAINT", "", "", "", 1);
        now[0] = Instant.EPOCH.plusSeconds(15);
        assertThat(BackendDiagnostics.backendContext(alert("lb1:8404", "be0"), view))
                .containsEntry(BackendDiagnostics.SERVERS_UP, "0 of 1 servers UP")
                .containsEntry(BackendDiagnostics.MAINTENANCE, "true");
    }
}
