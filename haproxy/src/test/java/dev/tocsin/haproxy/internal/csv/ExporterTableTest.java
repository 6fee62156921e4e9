package dev.tocsin.haproxy.internal.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-checks the by-name mapper against an independent, positional re-implementation of the haproxy_exporter v1
 * tables (column number to metric, exactly as the Go exporter reads them) on real HAProxy CSVs.
 */
class ExporterTableTest {

    private static final Object[][] SERVER = {
        {2, "current_queue"}, {3, "max_queue"}, {4, "current_sessions"}, {5, "max_sessions"},
        {6, "limit_sessions"}, {7, "sessions_total"}, {8, "bytes_in_total"}, {9, "bytes_out_total"},
        {13, "connection_errors_total"}, {14, "response_errors_total"}, {15, "retry_warnings_total"},
        {16, "redispatch_warnings_total"}, {17, "up"}, {18, "weight"}, {21, "check_failures_total"},
        {24, "downtime_seconds_total"}, {30, "server_selected_total"}, {33, "current_session_rate"},
        {35, "max_session_rate"}, {38, "check_duration_seconds"}, {39, "http_responses_total:1xx"},
        {40, "http_responses_total:2xx"}, {41, "http_responses_total:3xx"}, {42, "http_responses_total:4xx"},
        {43, "http_responses_total:5xx"}, {44, "http_responses_total:other"}, {49, "client_aborts_total"},
        {50, "server_aborts_total"}, {58, "http_queue_time_average_seconds"},
        {59, "http_connect_time_average_seconds"}, {60, "http_response_time_average_seconds"},
        {61, "http_total_time_average_seconds"},
    };
    private static final Object[][] FRONTEND = {
        {4, "current_sessions"}, {5, "max_sessions"}, {6, "limit_sessions"}, {7, "sessions_total"},
        {8, "bytes_in_total"}, {9, "bytes_out_total"}, {10, "requests_denied_total"}, {12, "request_errors_total"},
        {33, "current_session_rate"}, {34, "limit_session_rate"}, {35, "max_session_rate"},
        {39, "http_responses_total:1xx"}, {40, "http_responses_total:2xx"}, {41, "http_responses_total:3xx"},
        {42, "http_responses_total:4xx"}, {43, "http_responses_total:5xx"}, {44, "http_responses_total:other"},
        {48, "http_requests_total"}, {51, "compressor_bytes_in_total"}, {52, "compressor_bytes_out_total"},
        {53, "compressor_bytes_bypassed_total"}, {54, "http_responses_compressed_total"}, {79, "connections_total"},
    };
    private static final Object[][] BACKEND = {
        {2, "current_queue"}, {3, "max_queue"}, {4, "current_sessions"}, {5, "max_sessions"},
        {6, "limit_sessions"}, {7, "sessions_total"}, {8, "bytes_in_total"}, {9, "bytes_out_total"},
        {13, "connection_errors_total"}, {14, "response_errors_total"}, {15, "retry_warnings_total"},
        {16, "redispatch_warnings_total"}, {17, "up"}, {18, "weight"}, {19, "current_server"},
        {30, "server_selected_total"}, {33, "current_session_rate"}, {35, "max_session_rate"},
        {39, "http_responses_total:1xx"}, {40, "http_responses_total:2xx"}, {41, "http_responses_total:3xx"},
        {42, "http_responses_total:4xx"}, {43, "http_responses_total:5xx"}, {44, "http_responses_total:other"},
        {49, "client_aborts_total"}, {50, "server_aborts_total"}, {51, "compressor_bytes_in_total"},
        {52, "compressor_bytes_out_total"}, {53, "compressor_bytes_bypassed_total"},
        {54, "http_responses_compressed_total"}, {58, "http_queue_time_average_seconds"},
        {59, "http_connect_time_average_seconds"}, {60, "http_response_time_average_seconds"},
        {61, "http_total_time_average_seconds"},
    };

    /** The Go exporter's algorithm: positional fields, strict status strings, ms columns / 1000. */
    static Map<String, Double> exporterReference(String csv) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : csv.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 33) {
                continue;
            }
            Object[][] table;
            String prefix;
            String[] labels;
            switch (f[32]) {
                case "0": table = FRONTEND; prefix = "haproxy_frontend_"; labels = new String[] {"frontend", f[0]};
                    break;
                case "1": table = BACKEND; prefix = "haproxy_backend_"; labels = new String[] {"backend", f[0]};
                    break;
                case "2": table = SERVER; prefix = "haproxy_server_";
                    labels = new String[] {"backend", f[0], "server", f[1]};
                    break;
                default: continue;
            }
            for (Object[] e : table) {
                int col = (Integer) e[0];
                if (col >= f.length || f[col].isEmpty()) {
                    continue;
                }
                String name = (String) e[1];
                String[] ls = labels;
                if (name.contains(":")) {
                    ls = java.util.Arrays.copyOf(labels, labels.length + 2);
                    ls[ls.length - 2] = "code";
                    ls[ls.length - 1] = name.substring(name.indexOf(':') + 1);
                    name = name.substring(0, name.indexOf(':'));
                }
                double v;
                if (col == 17) {
                    v = java.util.Set.of("UP", "OPEN", "no check", "DRAIN", "UP 1/3", "UP 2/3").contains(f[col])
                            ? 1 : 0;
                } else if (col == 38 || (col >= 58 && col <= 61)) {
                    v = Double.parseDouble(f[col]) / 1000;
                } else {
                    v = Long.parseLong(f[col]);
                }
                out.put(CsvSamples.key(prefix + name, ls), v);
            }
        }
        return out;
    }

    private static Map<String, Double> exporterMetricsOnly(Map<String, Double> all) {
        Map<String, Double> m = new TreeMap<>(all);
        m.keySet().removeIf(k -> k.contains("_status\"") || k.contains("_check_status\"")
                || k.contains("check_info\"") || k.contains("last_change_seconds\"") || k.contains("servers_total\"")
                || k.contains("haproxy_backend_servers\"") || k.contains("servers_unresolved\""));
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy-2.6-http.csv", "haproxy-2.6-socket.csv", "haproxy-2.6-startup.csv",
        "haproxy-2.6-http-up.csv", "haproxy-1.5-derived.csv"})
    void strictModeEqualsTheExporterOnRealCsv(String file) {
        String csv = CsvSamples.text(file);
        HaproxyCsvMapper m = new HaproxyCsvMapper(new MappingOptions(dev.tocsin.haproxy.StatusMapping.EXPORTER_STRICT,
                java.util.Set.of(), java.util.Set.of()));
        ScrapeResult r = CsvSamples.map(m, csv);
        Map<String, Double> expected = exporterReference(csv);
        assertThat(expected).isNotEmpty();
        assertThat(exporterMetricsOnly(CsvSamples.byLabels(r.samples()))).isEqualTo(expected);
        assertThat(r.skippedRows()).isEmpty();
        assertThat(r.parseFailures()).isZero();
    }

    /** Many rows (several result chunks), then rows removed, renamed and changed: the row caches must follow. */
    @Test
    void largeDocumentsAndChangingRowSetsStayExact() {
        String[] lines = CsvSamples.text("haproxy-2.6-http.csv").split("\n");
        HaproxyCsvMapper m = new HaproxyCsvMapper(new MappingOptions(dev.tocsin.haproxy.StatusMapping.EXPORTER_STRICT,
                java.util.Set.of(), java.util.Set.of()));
        for (int round = 0; round < 4; round++) {
            StringBuilder sb = new StringBuilder(lines[0]).append('\n');
            int copies = round == 2 ? 150 : 300;
            for (int c = 0; c < copies; c++) {
                for (int i = 1; i < lines.length; i++) {
                    String[] f = lines[i].split(",", -1);
                    if (round == 3 && c % 3 == 0) {
                        continue; // rows vanish
                    }
                    f[0] = f[0] + "_" + c + (round == 3 && c % 5 == 0 ? "_renamed" : "");
                    if (f.length > 7 && !f[7].isEmpty()) {
                        f[7] = Long.toString(Long.parseLong(f[7]) + round * 1000L + c); // stot changes
                    }
                    sb.append(String.join(",", f)).append('\n');
                }
            }
            String csv = sb.toString();
            ScrapeResult r = CsvSamples.map(m, csv);
            assertThat(exporterMetricsOnly(CsvSamples.byLabels(r.samples()))).isEqualTo(exporterReference(csv));
            assertThat(r.samples().size()).isGreaterThan(4096);
        }
    }

    @Test
    void newerColumnsChangeNothing() {
        HaproxyCsvMapper m = new HaproxyCsvMapper(MappingOptions.defaults());
        Map<String, Double> base = CsvSamples.byLabels(CsvSamples.map(m, CsvSamples.text("haproxy-2.6-http.csv"))
                .samples());
        HaproxyCsvMapper m2 = new HaproxyCsvMapper(MappingOptions.defaults());
        Map<String, Double> future = CsvSamples.byLabels(CsvSamples.map(m2,
                CsvSamples.text("haproxy-future-derived.csv")).samples());
        assertThat(future).isEqualTo(base);
    }

    @Test
    void crlfLineEndingsChangeNothing() {
        String csv = CsvSamples.text("haproxy-2.6-socket.csv");
        HaproxyCsvMapper m = new HaproxyCsvMapper(MappingOptions.defaults());
        Map<String, Double> lf = CsvSamples.byLabels(CsvSamples.map(m, csv).samples());
        HaproxyCsvMapper m2 = new HaproxyCsvMapper(MappingOptions.defaults());
        ScrapeResult crlf = CsvSamples.map(m2, csv.replace("\n", "\r\n"));
        assertThat(CsvSamples.byLabels(crlf.samples())).isEqualTo(lf);
        assertThat(crlf.skippedRows()).isEmpty();
    }
}
