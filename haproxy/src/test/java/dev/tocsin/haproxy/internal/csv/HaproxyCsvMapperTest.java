package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.CsvFormatException;
import dev.tocsin.haproxy.StatusMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tocsin.haproxy.internal.csv.CsvSamples.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaproxyCsvMapperTest {

    private static final String HEADER = "# pxname,svname,qcur,status,type,check_status,check_code,check_duration,"
            + "lastchg,last_chk,check_desc,qtime,\n";

    private final HaproxyCsvMapper mapper = new HaproxyCsvMapper(MappingOptions.defaults());

    private Map<String, Double> samples(String csv) {
        return CsvSamples.byLabels(CsvSamples.map(mapper, csv).samples());
    }

    @Test
    void realCsvServerStatesAndExtras() {
        ScrapeResult r = CsvSamples.map(mapper, CsvSamples.text("haproxy-2.6-socket.csv"));
        Map<String, Double> s = CsvSamples.byLabels(r.samples());
        assertThat(r.rows()).isEqualTo(23);
        assertThat(r.keptRows()).isEqualTo(23);
        assertThat(s.get(key("haproxy_server_up", "backend", "app", "server", "s_up"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_up", "backend", "app", "server", "s_down"))).isEqualTo(0.0);
        assertThat(s.get(key("haproxy_server_up", "backend", "app", "server", "s_maint"))).isEqualTo(0.0);
        assertThat(s.get(key("haproxy_server_up", "backend", "app", "server", "s_nocheck"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_up", "backend", "app", "server", "s_drain"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_backend_up", "backend", "all_maint"))).isEqualTo(0.0);
        assertThat(s.get(key("haproxy_backend_up", "backend", "app"))).isEqualTo(1.0);
        // one-hot state
        assertThat(s.get(key("haproxy_server_status", "backend", "app", "server", "s_maint", "state", "MAINT")))
                .isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_status", "backend", "app", "server", "s_maint", "state", "DOWN")))
                .isEqualTo(0.0);
        assertThat(s.get(key("haproxy_server_status", "backend", "app", "server", "s_nocheck", "state", "UP")))
                .isEqualTo(1.0);
        assertThat(s.get(key("haproxy_backend_status", "backend", "web_httpchk", "state", "DOWN"))).isEqualTo(1.0);
        // check info
        assertThat(s.get(key("haproxy_server_check_status", "backend", "app", "server", "s_down",
                "check_status", "L4CON", "check_desc", "Layer4 connection problem"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_check_status", "backend", "web_httpchk", "server", "w1",
                "check_status", "L7STS", "check_desc", "Layer7 wrong status", "check_code", "404"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_check_info", "backend", "app", "server", "s_down",
                "last_chk", "Connection refused"))).isEqualTo(1.0);
        assertThat(s.keySet()).noneMatch(k -> k.contains("haproxy_server_check_status") && k.contains("s_maint"));
        // aggregates: app has s_up, s_backup, s_nocheck UP; s_down DOWN; s_maint MAINT; s_drain DRAIN
        assertThat(s.get(key("haproxy_backend_servers_total", "backend", "app"))).isEqualTo(6.0);
        assertThat(s.get(key("haproxy_backend_servers", "backend", "app", "state", "UP"))).isEqualTo(3.0);
        assertThat(s.get(key("haproxy_backend_servers", "backend", "app", "state", "DOWN"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_backend_servers", "backend", "app", "state", "MAINT"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_backend_servers", "backend", "app", "state", "DRAIN"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_backend_servers", "backend", "all_maint", "state", "MAINT"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_backend_servers_total", "backend", "empty_be"))).isEqualTo(0.0);
        // listener row (type 3, fe_main/sock-1) ignored
        assertThat(s.keySet()).noneMatch(k -> k.contains("sock-1"));
        // server states
        ServerState down = r.servers().stream().filter(x -> x.server().equals("s_down")).findFirst().orElseThrow();
        assertThat(down.backend()).isEqualTo("app");
        assertThat(down.status()).isEqualTo("DOWN");
        assertThat(down.checkStatus()).isEqualTo("L4CON");
        assertThat(down.checkDescription()).isEqualTo("Layer4 connection problem");
        assertThat(down.lastCheck()).isEqualTo("Connection refused");
        assertThat(down.lastChangeSeconds()).isNotNegative();
        assertThat(down.down()).isTrue();
        assertThat(down.inMaintenance()).isFalse();
        assertThat(r.servers()).hasSize(13);
    }

    @Test
    void olderCsvWithoutNewerColumnsGivesNoSampleForThem() {
        Map<String, Double> s = samples(CsvSamples.text("haproxy-1.5-derived.csv"));
        assertThat(s.keySet()).noneMatch(k -> k.contains("haproxy_frontend_connections_total"));
        assertThat(s.get(key("haproxy_server_check_status", "backend", "app", "server", "s_down",
                "check_status", "L4CON"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_frontend_sessions_total", "frontend", "fe_main"))).isNotNull();
    }

    @Test
    void millisecondColumnsAreSecondsAndEmptyFieldsGiveNoSample() {
        Map<String, Double> s = samples(HEADER + "b,s1,,UP,2,L4OK,,12,7,,,1500,\n");
        assertThat(s.get(key("haproxy_server_check_duration_seconds", "backend", "b", "server", "s1")))
                .isEqualTo(0.012);
        assertThat(s.get(key("haproxy_server_http_queue_time_average_seconds", "backend", "b", "server", "s1")))
                .isEqualTo(1.5);
        assertThat(s.get(key("haproxy_server_last_change_seconds", "backend", "b", "server", "s1")))
                .isEqualTo(7.0);
        assertThat(s.keySet()).noneMatch(k -> k.contains("current_queue"));
    }

    @Test
    void quotedFieldsWithDoubledQuotesAndRunningCheckPrefix() {
        String lastChk = "HTTP \"\"bad\"\", really";
        ScrapeResult r = CsvSamples.map(mapper, HEADER + "b,s1,\"3\",\"UP 1/2\",2,* L4CON,,,,\"" + lastChk
                + "\",\"Layer4 connection problem\",,\n");
        Map<String, Double> s = CsvSamples.byLabels(r.samples());
        assertThat(s.get(key("haproxy_server_current_queue", "backend", "b", "server", "s1"))).isEqualTo(3.0);
        assertThat(s.get(key("haproxy_server_up", "backend", "b", "server", "s1"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_check_status", "backend", "b", "server", "s1", "check_status", "L4CON",
                "check_desc", "Layer4 connection problem"))).isEqualTo(1.0);
        assertThat(s.get(key("haproxy_server_check_info", "backend", "b", "server", "s1",
                "last_chk", "HTTP \"bad\", really"))).isEqualTo(1.0);
        assertThat(r.servers().get(0).checkStatus()).isEqualTo("L4CON");
    }

    @Test
    void aStatusWithAReasonGivesItsWholeTextOnceItChanges() {
        HaproxyCsvMapper reused = mapper;
        for (String[] c : new String[][] {{"DOWN (agent)", "DOWN (agent)"}, {"MAINT (resolution)", "MAINT (resolution)"},
            {"MAINT (via b/s2)", "MAINT (via b/s2)"}, {"UP 1/2", null}, {"no check", null}, {"DOWN", null}}) {
            ScrapeResult r = CsvSamples.map(reused, HEADER + "b,s1,,\"" + c[0] + "\",2,,,,,,,,\n");
            List<Sample> info = r.samples().stream()
                    .filter(x -> x.metricName().equals("haproxy_server_status_info")).toList();
            if (c[1] == null) {
                assertThat(info).as(c[0]).isEmpty();
            } else {
                assertThat(info).as(c[0]).singleElement().satisfies(x -> {
                    assertThat(x.labels().get("status")).isEqualTo(c[1]);
                    assertThat(x.labels().get("server")).isEqualTo("s1");
                    assertThat(x.value()).isEqualTo(1.0);
                });
            }
        }
    }

    @Test
    void longLastCheckIsCut() {
        String longText = "x".repeat(1000);
        ScrapeResult r = CsvSamples.map(mapper, HEADER + "b,s1,,DOWN,2,L7RSP,,,,\"" + longText + "\",,,\n");
        assertThat(r.servers().get(0).lastCheck()).hasSize(HaproxyCsvMapper.MAX_LABEL_LENGTH);
        assertThat(r.samples()).anyMatch(x -> x.labels().get("last_chk").length()
                == HaproxyCsvMapper.MAX_LABEL_LENGTH);
    }

    @Test
    void strictModeReproducesTheExporterMistakes() {
        HaproxyCsvMapper strict = new HaproxyCsvMapper(new MappingOptions(StatusMapping.EXPORTER_STRICT, Set.of(),
                Set.of()));
        String csv = HEADER + "b,s1,,UP 1/2,2,,,,,,,,\nb,BACKEND,,UP (1/1),1,,,,,,,,\n";
        Map<String, Double> st = CsvSamples.byLabels(CsvSamples.map(strict, csv).samples());
        Map<String, Double> fx = samples(csv);
        String server = key("haproxy_server_up", "backend", "b", "server", "s1");
        String backend = key("haproxy_backend_up", "backend", "b");
        assertThat(st.get(server)).isEqualTo(0.0);
        assertThat(st.get(backend)).isEqualTo(0.0);
        assertThat(fx.get(server)).isEqualTo(1.0);
        assertThat(fx.get(backend)).isEqualTo(1.0);
        // the extra series are the same in both modes
        String state = key("haproxy_server_status", "backend", "b", "server", "s1", "state", "UP");
        assertThat(st.get(state)).isEqualTo(1.0);
        assertThat(fx.get(state)).isEqualTo(1.0);
    }

    @Test
    void malformedRowsAreSkippedWithLineAndReasonAndTheRestIsKept() {
        String csv = HEADER
                + "b,s1,1,UP,2,,,,,,,,\n"        // line 2 ok
                + "b,s2,1,UP\n"                  // line 3 too short
                + "b,s3,1,UP,x,,,,,,,,\n"        // line 4 bad type
                + "b,\"s4,1,UP,2,,,,,,,,\n"      // line 5 unterminated quote
                + "b,\"s5\"x,1,UP,2,,,,,,,,\n"   // line 6 text after quote
                + "b,s6,1,UP,2,,,,,,,,\n"        // line 7 ok
                + "b,s6,2,UP,2,,,,,,,,\n"        // line 8 duplicate
                + "\n";
        ScrapeResult r = CsvSamples.map(mapper, csv);
        assertThat(r.rows()).isEqualTo(7);
        assertThat(r.keptRows()).isEqualTo(2);
        assertThat(r.skippedRows()).extracting(ScrapeResult.SkippedRow::line).containsExactly(3, 4, 5, 6, 8);
        assertThat(r.skippedRows().get(0).reason()).contains("type");
        assertThat(r.skippedRows().get(1).reason()).contains("'x'");
        assertThat(r.skippedRows().get(2).reason()).contains("unterminated quote");
        assertThat(r.skippedRows().get(4).reason()).contains("duplicate");
        assertThat(r.parseFailures()).isEqualTo(5);
        assertThat(r.servers()).extracting(ServerState::server).containsExactly("s1", "s6");
        assertThat(samples(csv).get(key("haproxy_server_current_queue", "backend", "b", "server", "s6")))
                .isEqualTo(1.0);
    }

    @Test
    void nonNumericValueGivesNoSampleButKeepsTheRow() {
        ScrapeResult r = CsvSamples.map(mapper, HEADER + "b,s1,abc,UP,2,,,1.2.3,5,,,,\n");
        assertThat(r.keptRows()).isEqualTo(1);
        assertThat(r.fieldErrors()).extracting(ScrapeResult.FieldError::column)
                .containsExactly("qcur", "check_duration");
        assertThat(r.parseFailures()).isEqualTo(2);
        Map<String, Double> s = CsvSamples.byLabels(r.samples());
        assertThat(s.keySet()).noneMatch(k -> k.contains("current_queue") || k.contains("check_duration"));
        assertThat(s.get(key("haproxy_server_up", "backend", "b", "server", "s1"))).isEqualTo(1.0);
    }

    @Test
    void integerOverflowIsAFieldError() {
        ScrapeResult r = CsvSamples.map(mapper, HEADER + "b,s1,99999999999999999999,UP,2,,,,-3,,,,\n");
        assertThat(r.fieldErrors()).hasSize(1);
        assertThat(r.servers().get(0).lastChangeSeconds()).isEqualTo(-3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\n", "<html><body>401</body></html>", "pxname,svname\nb,s\n",
        "# \u0000\u0001\u0002", "# pxname,svname,status\nb,s,UP\n", "#pxname,svname,type\n"})
    void unusableDocumentsThrowCsvFormatExceptionOnLineOne(String doc) {
        byte[] b = doc.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> mapper.map(b, b.length)).isInstanceOf(CsvFormatException.class)
                .satisfies(e -> assertThat(((CsvFormatException) e).line()).isEqualTo(1));
    }

    /**
     * The server's text is redacted before it is cut to an excerpt or escaped: a credential past the excerpt's end,
     * or with non-ASCII characters, is still found; the mapper's own words are never redacted.
     */
    @Test
    void excerptsGoThroughTheRedactorBeforeTheyAreCutOrEscaped() {
        java.util.List<String> secrets = java.util.List.of("CorrectHorseBatteryStaple", "pässwort99", "header");
        HaproxyCsvMapper redacting = new HaproxyCsvMapper(MappingOptions.defaults())
                .redactingWith(t -> dev.tocsin.core.internal.Redaction.secrets(t, secrets));
        byte[] longLine = "login failed, password=CorrectHorseBatteryStaple\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> redacting.map(longLine, longLine.length))
                .hasMessageContaining("expected the header line")
                .hasMessageContaining("password=<redacted>")
                .hasMessageNotContaining("CorrectHorse");
        byte[] nonAscii = "user:pässwort99 rejected\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> redacting.map(nonAscii, nonAscii.length))
                .hasMessageContaining("'user:<redacted> rejected'")
                .hasMessageNotContaining("sswort99");
        // without a redactor, the same excerpt as always: cut at 40 characters, non-ASCII bytes escaped
        assertThatThrownBy(() -> mapper.map(nonAscii, nonAscii.length))
                .hasMessageContaining("'user:p\\xC3\\xA4sswort99 rejected'");
    }

    @Test
    void htmlIsNamedInTheMessage() {
        assertThatThrownBy(() -> CsvSamples.map(mapper, "\n<!DOCTYPE html>")).hasMessageContaining("HTML");
    }

    @Test
    void headerOnlyAndLengthAreHonoured() {
        ScrapeResult r = CsvSamples.map(mapper, HEADER);
        assertThat(r.rows()).isZero();
        assertThat(r.samples()).isEmpty();
        byte[] b = (HEADER + "b,s1,4,UP,2,,,,,,,,\nGARBAGE").getBytes(StandardCharsets.UTF_8);
        ScrapeResult cut = mapper.map(b, b.length - "GARBAGE".length());
        assertThat(cut.rows()).isEqualTo(1);
        assertThat(cut.skippedRows()).isEmpty();
    }

    @Test
    void separatorColumnAndModuleCountersAreIgnored() {
        String csv = "# pxname,svname,qcur,type,-,qcur,h2_x,\nb,s1,4,2,-,77,9,\n";
        Map<String, Double> s = samples(csv);
        assertThat(s.get(key("haproxy_server_current_queue", "backend", "b", "server", "s1"))).isEqualTo(4.0);
    }

    @Test
    void serverMetricFieldsByNumberOrName() {
        for (Set<String> fields : List.of(Set.of("2", "17"), Set.of("qcur", "status"))) {
            HaproxyCsvMapper m = new HaproxyCsvMapper(new MappingOptions(StatusMapping.FIXED, fields, Set.of()));
            List<Sample> out = CsvSamples.map(m, CsvSamples.text("haproxy-2.6-http.csv")).samples();
            assertThat(out).filteredOn(x -> x.metricName().startsWith("haproxy_server_")
                    && !x.metricName().equals("haproxy_server_status")
                    && !x.metricName().startsWith("haproxy_server_check_")
                    && !x.metricName().equals("haproxy_server_last_change_seconds"))
                    .extracting(Sample::metricName).containsOnly("haproxy_server_current_queue", "haproxy_server_up");
            assertThat(out).anyMatch(x -> x.metricName().equals("haproxy_backend_bytes_in_total"));
            assertThat(out).anyMatch(x -> x.metricName().equals("haproxy_server_status"));
        }
        assertThatThrownBy(() -> new MappingOptions(StatusMapping.FIXED, Set.of("999"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999");
        assertThatThrownBy(() -> new MappingOptions(StatusMapping.FIXED, Set.of("q cur"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void excludedServerStatesDropTheRows() {
        HaproxyCsvMapper m = new HaproxyCsvMapper(new MappingOptions(StatusMapping.FIXED, Set.of(), Set.of("MAINT")));
        ScrapeResult r = CsvSamples.map(m, CsvSamples.text("haproxy-2.6-http.csv"));
        assertThat(r.samples()).noneMatch(x -> x.labels().get("server").equals("s_maint"));
        assertThat(r.servers()).noneMatch(x -> x.status().equals("MAINT"));
        assertThat(r.samples()).anyMatch(x -> x.labels().get("server").equals("s_down"));
    }

    @Test
    void repeatedScrapesFollowChangesAndDropVanishedRows() {
        String v1 = HEADER + "b,s1,1,UP,2,L4OK,,,10,,Layer4 check passed,,\nb,s2,1,UP,2,,,,,,,,\n"
                + "b,BACKEND,1,UP,1,,,,,,,,\n";
        String v2 = HEADER + "b,s1,5,DOWN,2,L4CON,,,0,refused,Layer4 connection problem,,\n"
                + "b,BACKEND,1,DOWN,1,,,,,,,,\n";
        Map<String, Double> first = samples(v1);
        assertThat(samples(v1)).isEqualTo(first);
        ScrapeResult r2 = CsvSamples.map(mapper, v2);
        Map<String, Double> second = CsvSamples.byLabels(r2.samples());
        assertThat(second.get(key("haproxy_server_current_queue", "backend", "b", "server", "s1"))).isEqualTo(5.0);
        assertThat(second.get(key("haproxy_server_up", "backend", "b", "server", "s1"))).isEqualTo(0.0);
        assertThat(second.get(key("haproxy_server_check_status", "backend", "b", "server", "s1", "check_status",
                "L4CON", "check_desc", "Layer4 connection problem"))).isEqualTo(1.0);
        assertThat(second.keySet()).noneMatch(k -> k.contains("L4OK") || k.contains("\"s2\""));
        assertThat(second.get(key("haproxy_backend_servers_total", "backend", "b"))).isEqualTo(1.0);
        assertThat(r2.servers().get(0).lastCheck()).isEqualTo("refused");
        // a different header (another HAProxy version) re-plans
        Map<String, Double> third = samples("# type,svname,pxname,qcur,\n2,s1,b,9,\n");
        assertThat(third.get(key("haproxy_server_current_queue", "backend", "b", "server", "s1"))).isEqualTo(9.0);
        assertThat(samples(v1)).isEqualTo(first);
    }

    @Test
    void anInterestKeepsExactlyTheWantedMetricsAndStillReadsEveryRow() {
        byte[] csv = CsvSamples.resource("haproxy-2.6-socket.csv");
        ScrapeResult full = new HaproxyCsvMapper(MappingOptions.defaults()).map(csv, csv.length);
        Map<String, Double> all = CsvSamples.byLabels(full.samples());
        List<Set<String>> interests = List.of(
                Set.of("haproxy_backend_up"),
                Set.of("haproxy_backend_up", "haproxy_backend_servers", "haproxy_server_check_status"),
                Set.of("haproxy_backend_servers_total", "haproxy_server_status", "haproxy_frontend_bytes_in_total"),
                Set.of("no_such_metric"));
        for (Set<String> names : interests) {
            // the same mapper switches plans both ways: wanted names, then everything again
            ScrapeResult some = mapper.map(csv, csv.length, MetricInterest.of(names));
            Map<String, Double> expected = new java.util.TreeMap<>(all);
            expected.keySet().removeIf(k -> names.stream().noneMatch(n -> k.startsWith("{__name__=\"" + n + "\"")));
            assertThat(CsvSamples.byLabels(some.samples())).as("interest %s", names).isEqualTo(expected);
            assertThat(some.rows()).isEqualTo(full.rows());
            assertThat(some.servers()).isEqualTo(full.servers());
            assertThat(CsvSamples.byLabels(mapper.map(csv, csv.length).samples())).isEqualTo(all);
        }
        assertThat(all.keySet()).anyMatch(k -> k.startsWith("{__name__=\"haproxy_backend_servers\""));
    }
}
