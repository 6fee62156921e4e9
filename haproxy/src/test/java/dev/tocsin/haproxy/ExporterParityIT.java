package dev.tocsin.haproxy;

import dev.tocsin.core.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.tocsin.haproxy.HaproxyFixture.disabled;
import static dev.tocsin.haproxy.HaproxyFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 3: the metrics Tocsin produces for a real HAProxy's CSV equal, series for series, what the real Go
 * haproxy_exporter (v0.14, {@code /usr/bin/prometheus-haproxy-exporter}) produces for the same bytes.
 *
 * <p>A real HAProxy runs with servers UP, DOWN (stopped), MAINT ({@code disabled}), DRAIN (Runtime API), {@code no
 * check}, one caught in {@code UP 1/2} (one failed check of {@code fall 2}), and a frontend that carried some requests
 * (2xx and 5xx). Its stats CSV is captured once and replayed byte for byte to both the exporter and a
 * {@link HaproxySource}, since live counters would differ between two fetches.
 */
class ExporterParityIT {

    /** Series of the exporter that depend on the exporter process, not on the CSV. */
    static final Set<String> PROCESS_SERIES = Set.of("haproxy_up", "haproxy_version_info");

    /** Every metric name haproxy_exporter v1 derives from the CSV (exporter-v1-metrics.md, the three tables). */
    static final Set<String> EXPORTER_FAMILIES = Set.of(
            "haproxy_server_current_queue", "haproxy_server_max_queue", "haproxy_server_current_sessions",
            "haproxy_server_max_sessions", "haproxy_server_limit_sessions", "haproxy_server_sessions_total",
            "haproxy_server_bytes_in_total", "haproxy_server_bytes_out_total",
            "haproxy_server_connection_errors_total", "haproxy_server_response_errors_total",
            "haproxy_server_retry_warnings_total", "haproxy_server_redispatch_warnings_total", "haproxy_server_up",
            "haproxy_server_weight", "haproxy_server_check_failures_total", "haproxy_server_downtime_seconds_total",
            "haproxy_server_server_selected_total", "haproxy_server_current_session_rate",
            "haproxy_server_max_session_rate", "haproxy_server_check_duration_seconds",
            "haproxy_server_http_responses_total", "haproxy_server_client_aborts_total",
            "haproxy_server_server_aborts_total", "haproxy_server_http_queue_time_average_seconds",
            "haproxy_server_http_connect_time_average_seconds", "haproxy_server_http_response_time_average_seconds",
            "haproxy_server_http_total_time_average_seconds",
            "haproxy_frontend_current_sessions", "haproxy_frontend_max_sessions", "haproxy_frontend_limit_sessions",
            "haproxy_frontend_sessions_total", "haproxy_frontend_bytes_in_total", "haproxy_frontend_bytes_out_total",
            "haproxy_frontend_requests_denied_total", "haproxy_frontend_request_errors_total",
            "haproxy_frontend_current_session_rate", "haproxy_frontend_limit_session_rate",
            "haproxy_frontend_max_session_rate", "haproxy_frontend_http_responses_total",
            "haproxy_frontend_http_requests_total", "haproxy_frontend_compressor_bytes_in_total",
            "haproxy_frontend_compressor_bytes_out_total", "haproxy_frontend_compressor_bytes_bypassed_total",
            "haproxy_frontend_http_responses_compressed_total", "haproxy_frontend_connections_total",
            "haproxy_backend_current_queue", "haproxy_backend_max_queue", "haproxy_backend_current_sessions",
            "haproxy_backend_max_sessions", "haproxy_backend_limit_sessions", "haproxy_backend_sessions_total",
            "haproxy_backend_bytes_in_total", "haproxy_backend_bytes_out_total",
            "haproxy_backend_connection_errors_total", "haproxy_backend_response_errors_total",
            "haproxy_backend_retry_warnings_total", "haproxy_backend_redispatch_warnings_total", "haproxy_backend_up",
            "haproxy_backend_weight", "haproxy_backend_current_server", "haproxy_backend_server_selected_total",
            "haproxy_backend_current_session_rate", "haproxy_backend_max_session_rate",
            "haproxy_backend_http_responses_total", "haproxy_backend_client_aborts_total",
            "haproxy_backend_server_aborts_total", "haproxy_backend_compressor_bytes_in_total",
            "haproxy_backend_compressor_bytes_out_total", "haproxy_backend_compressor_bytes_bypassed_total",
            "haproxy_backend_http_responses_compressed_total", "haproxy_backend_http_queue_time_average_seconds",
            "haproxy_backend_http_connect_time_average_seconds", "haproxy_backend_http_response_time_average_seconds",
            "haproxy_backend_http_total_time_average_seconds");

    /**
     * Tocsin's documented extra families (besides {@code tocsin_*}): not produced by the exporter, allowed in the
     * output. {@code haproxy_exporter_*} are the source's own counters, named like the exporter's.
     */
    static final Set<String> TOCSIN_EXTRA_FAMILIES = Set.of(
            "haproxy_server_status", "haproxy_server_check_status", "haproxy_server_check_info",
            "haproxy_server_status_info",
            "haproxy_server_last_change_seconds", "haproxy_backend_status", "haproxy_backend_last_change_seconds",
            "haproxy_backend_servers_total", "haproxy_backend_servers", "haproxy_backend_servers_unresolved",
            "haproxy_exporter_scrapes_total", "haproxy_exporter_csv_parse_failures_total");

    /** Status strings for which {@link StatusMapping#FIXED} deliberately says 1 where the exporter says 0. */
    static final Pattern FIXED_DIFFERS = Pattern.compile("(UP|DRAIN) (\\d+/\\d+|\\(.*\\))");

    @TempDir
    static Path dir;
    static HaproxyFixture haproxy;
    static BackendServer flapServer;
    static byte[] csv;
    static CsvReplayServer replay;
    /** {@code haproxy_backend_up{...}} / {@code haproxy_server_up{...}} series key to the CSV status string. */
    static Map<String, String> upStatus;

    @BeforeAll
    static void captureOnce() throws Exception {
        int noCheckPort = BackendServer.freePort(); // nothing listens: "no check" stays UP regardless
        flapServer = new BackendServer(BackendServer.freePort()).start();
        haproxy = new HaproxyFixture(dir)
                .backend("app", server("s1"), server("s2"), server("s3"), disabled("s4"))
                .backend("api", server("a1"), server("a2"))
                .backend("dead", server("d1"))
                .extraConfig("frontend web\n  bind 127.0.0.1:" + HaproxyFixture.EXTRA_PORT + "\n"
                        + "  use_backend dead if { path_beg /dead }\n"
                        + "  use_backend api if { path_beg /api }\n"
                        + "  default_backend app\n"
                        + "backend nocheck\n  server n1 127.0.0.1:" + noCheckPort + "\n"
                        // a slow check so that "UP 1/2" (one failed check of fall 2) lasts about 2 s
                        + "backend flap\n  option httpchk GET /\n  server f1 127.0.0.1:" + flapServer.port()
                        + " check inter 2s fall 2 rise 2\n")
                .start();
        haproxy.serverOf("app", "s3").stop();
        haproxy.serverOf("dead", "d1").stop();
        assertThat(haproxy.command("set server api/a2 state drain")).isBlank();
        awaitStatus("app", "s1", "UP");
        awaitStatus("app", "s2", "UP");
        awaitStatus("app", "s3", "DOWN");
        awaitStatus("app", "s4", "MAINT");
        awaitStatus("api", "a2", "DRAIN");
        awaitStatus("dead", "BACKEND", "DOWN");
        awaitStatus("nocheck", "n1", "no check");
        awaitStatus("flap", "f1", "UP");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int ok = 0;
        int unavailable = 0;
        for (String path : List.of("/", "/", "/", "/x", "/api/1", "/api/2", "/dead", "/dead/again")) {
            int code = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.extraPort() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            ok += code == 200 ? 1 : 0;
            unavailable += code == 503 ? 1 : 0;
        }
        assertThat(ok).as("requests through the frontend answered 200").isEqualTo(6);
        assertThat(unavailable).as("requests to the dead backend answered 503").isEqualTo(2);

        flapServer.stop();
        URI csvUri = URI.create(haproxy.httpUri() + ";csv");
        csv = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> http.send(HttpRequest.newBuilder(csvUri).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofByteArray()).body(),
                        b -> "UP 1/2".equals(upStatusOf(b).get(upKey("flap", "f1"))));
        upStatus = upStatusOf(csv);
        replay = new CsvReplayServer(csv);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (replay != null) {
            replay.close();
        }
        if (flapServer != null) {
            flapServer.stop();
        }
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @Test
    void strictMappingEqualsTheExporterForEverySeries() throws Exception {
        Map<String, Double> exporter = exporterSeries();
        Map<String, Double> tocsin = tocsinSeries(HaproxySource.builder().statsUri(replay.uri())
                .statusMapping(StatusMapping.EXPORTER_STRICT));

        assertCaptureCovers(exporter);
        List<Diff> diffs = compare(exporter, tocsin);
        assertThat(diffs).as(report("EXPORTER_STRICT", diffs)).isEmpty();
    }

    @Test
    void fixedMappingDiffersOnlyInUpSeriesOfDocumentedStatusStrings() throws Exception {
        Map<String, Double> exporter = exporterSeries();
        Map<String, Double> tocsin = tocsinSeries(HaproxySource.builder().statsUri(replay.uri()));

        Set<String> expected = new TreeSet<>();
        upStatus.forEach((key, status) -> {
            if (FIXED_DIFFERS.matcher(status).matches() && !status.equals("UP 1/3") && !status.equals("UP 2/3")) {
                expected.add(key);
            }
        });
        assertThat(expected).as("the capture holds a status the mappings treat differently")
                .contains(upKey("flap", "f1"));

        List<Diff> diffs = compare(exporter, tocsin);
        List<Diff> unexpected = new ArrayList<>();
        Set<String> differing = new TreeSet<>();
        for (Diff d : diffs) {
            if (d.kind == Kind.VALUE && expected.contains(d.key) && d.exporter == 0.0 && d.tocsin == 1.0) {
                differing.add(d.key);
            } else {
                unexpected.add(d);
            }
        }
        assertThat(unexpected).as(report("FIXED", unexpected)).isEmpty();
        assertThat(differing).as("FIXED says 1 where the exporter says 0, for exactly these statuses: "
                + expected.stream().map(k -> k + "=" + upStatus.get(k)).toList()).isEqualTo(expected);
    }

    @Test
    void excludedStatesAndServerFieldsMatchTheExporterFlags() throws Exception {
        Map<String, Double> exporter = exporterSeries("--haproxy.server-exclude-states=MAINT",
                "--haproxy.server-metric-fields=2,3,4");
        Map<String, Double> tocsin = tocsinSeries(HaproxySource.builder().statsUri(replay.uri())
                .statusMapping(StatusMapping.EXPORTER_STRICT)
                .excludeServerStates("MAINT").serverMetricFields("2", "3", "4"));

        // the flags took effect on the exporter: only qcur, qmax, scur for servers, none for the MAINT server
        Set<String> serverFamilies = exporter.keySet().stream().map(PromText::nameOf)
                .filter(n -> n.startsWith("haproxy_server_")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(serverFamilies).containsExactly("haproxy_server_current_queue",
                "haproxy_server_current_sessions", "haproxy_server_max_queue");
        assertThat(upStatus).containsEntry(upKey("app", "s4"), "MAINT");
        assertThat(exporter.keySet()).noneMatch(k -> k.contains("server=\"s4\""))
                .anyMatch(k -> k.contains("server=\"s3\""));

        List<Diff> diffs = compare(exporter, tocsin);
        assertThat(diffs).as(report("excludeServerStates(MAINT) + serverMetricFields(2,3,4)", diffs)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------

    enum Kind {
        /** The exporter has the series, Tocsin not. */
        MISSING,
        /** Tocsin has a series of an exporter family that the exporter has not. */
        EXTRA,
        /** Both have it, with different values. */
        VALUE,
        /** A Tocsin family that is neither the exporter's nor a documented extra, or a series with instance/job. */
        UNDOCUMENTED
    }

    record Diff(Kind kind, String key, double exporter, double tocsin) {
        @Override
        public String toString() {
            switch (kind) {
                case MISSING: return "missing in Tocsin: " + key + " (exporter " + exporter + ")";
                case EXTRA: return "extra in Tocsin: " + key + " (Tocsin " + tocsin + ")";
                case VALUE: return "value differs: " + key + " exporter " + exporter + ", Tocsin " + tocsin;
                default: return "undocumented in Tocsin: " + key;
            }
        }
    }

    static String report(String mode, List<Diff> diffs) {
        return diffs.size() + " difference(s) between the exporter and Tocsin (" + mode + "):\n  "
                + diffs.stream().map(Diff::toString).collect(Collectors.joining("\n  "))
                + "\nstatuses in the capture: " + upStatus;
    }

    static List<Diff> compare(Map<String, Double> exporter, Map<String, Double> tocsin) {
        List<Diff> diffs = new ArrayList<>();
        Set<String> exporterNames = new TreeSet<>(EXPORTER_FAMILIES);
        exporter.keySet().forEach(k -> exporterNames.add(PromText.nameOf(k)));
        for (Map.Entry<String, Double> e : exporter.entrySet()) {
            Double t = tocsin.get(e.getKey());
            if (t == null) {
                diffs.add(new Diff(Kind.MISSING, e.getKey(), e.getValue(), Double.NaN));
            } else if (!sameValue(e.getValue(), t)) {
                diffs.add(new Diff(Kind.VALUE, e.getKey(), e.getValue(), t));
            }
        }
        for (Map.Entry<String, Double> t : tocsin.entrySet()) {
            String name = PromText.nameOf(t.getKey());
            if (exporterNames.contains(name)) {
                if (!exporter.containsKey(t.getKey())) {
                    diffs.add(new Diff(Kind.EXTRA, t.getKey(), Double.NaN, t.getValue()));
                }
            } else if (!TOCSIN_EXTRA_FAMILIES.contains(name) && !name.startsWith("tocsin_")) {
                diffs.add(new Diff(Kind.UNDOCUMENTED, t.getKey(), Double.NaN, t.getValue()));
            }
        }
        return diffs;
    }

    /** Exact for integers; within 1e-9 relative for the millisecond-to-second conversions. */
    static boolean sameValue(double exporter, double tocsin) {
        if (exporter == Math.rint(exporter) && tocsin == Math.rint(tocsin)) {
            return exporter == tocsin;
        }
        return Math.abs(exporter - tocsin) <= 1e-9 * Math.max(Math.abs(exporter), Math.abs(tocsin));
    }

    /** Runs the real exporter on the replayed CSV and returns its CSV-derived series. */
    static Map<String, Double> exporterSeries(String... flags) throws Exception {
        int before = replay.requests();
        String body;
        try (ExporterProcess exporter = ExporterProcess.start(dir, replay.uri(), flags)) {
            body = exporter.scrape();
        }
        assertThat(replay.requests()).as("the exporter read the replayed CSV").isGreaterThan(before);
        Map<String, Double> all = PromText.parse(body);
        assertThat(all.get("haproxy_up{}")).as("the exporter's haproxy_up").isEqualTo(1.0);
        assertThat(all.get("haproxy_exporter_csv_parse_failures_total{}")).as("the exporter's CSV parse failures")
                .isEqualTo(0.0);
        Map<String, Double> out = new TreeMap<>();
        all.forEach((k, v) -> {
            String name = PromText.nameOf(k);
            if (name.startsWith("haproxy_") && !name.startsWith("haproxy_exporter_")
                    && !PROCESS_SERIES.contains(name)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Collects once from the replayed CSV. Every series carries exactly the source's {@code instance} and {@code job}
     * (what Prometheus adds to the exporter's series as a scrape target); they are checked, then set aside so that
     * the rest compares with the exporter's output.
     */
    static Map<String, Double> tocsinSeries(HaproxySource.Builder builder) throws Exception {
        HaproxySource source = builder.build();
        List<Sample> samples = source.collect();
        Map<String, Double> out = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Sample s : samples) {
            Map<String, String> labels = new HashMap<>(s.labels().withoutMetricName().asMap());
            if (s.metricName().startsWith("haproxy_") && !s.metricName().startsWith("haproxy_exporter_")
                    && !PROCESS_SERIES.contains(s.metricName())
                    && (!source.instance().equals(labels.get("instance")) || !source.job().equals(labels.get("job")))) {
                problems.add("series without the source's instance/job: " + s);
            }
            labels.remove("instance");
            labels.remove("job");
            String key = PromText.key(s.metricName(), labels);
            if (out.put(key, s.value()) != null) {
                problems.add("duplicate series: " + key);
            }
        }
        assertThat(problems).isEmpty();
        return out;
    }

    /** The capture is varied enough for the comparison to mean something. */
    static void assertCaptureCovers(Map<String, Double> exporter) {
        assertThat(upStatus.values()).contains("UP", "DOWN", "MAINT", "DRAIN", "no check", "UP 1/2");
        assertThat(exporter).containsEntry(upKey("app", "s3"), 0.0)
                .containsEntry(upKey("app", "s1"), 1.0)
                .containsEntry(upKey("nocheck", "n1"), 1.0)
                .containsEntry(PromText.key("haproxy_backend_up", Map.of("backend", "dead")), 0.0);
        assertThat(exporter.get(PromText.key("haproxy_frontend_http_responses_total",
                Map.of("frontend", "web", "code", "5xx")))).isEqualTo(2.0);
        assertThat(exporter.get(PromText.key("haproxy_backend_http_responses_total",
                Map.of("backend", "app", "code", "2xx")))).isEqualTo(4.0);
        assertThat(exporter.keySet().stream().map(PromText::nameOf).filter(n -> n.startsWith("haproxy_server_"))
                .distinct().count()).as("server families").isGreaterThan(20);
        assertThat(exporter.keySet()).anyMatch(k -> k.startsWith("haproxy_server_check_duration_seconds{"))
                .anyMatch(k -> k.startsWith("haproxy_backend_http_total_time_average_seconds{"));
    }

    static String upKey(String backend, String svname) {
        return svname.equals("BACKEND")
                ? PromText.key("haproxy_backend_up", Map.of("backend", backend))
                : PromText.key("haproxy_server_up", Map.of("backend", backend, "server", svname));
    }

    /** Reads {up series key -> status} from HAProxy CSV, independently of the code under test. */
    static Map<String, String> upStatusOf(byte[] csvBytes) {
        String[] lines = new String(csvBytes, StandardCharsets.UTF_8).split("\n");
        Map<String, String> out = new LinkedHashMap<>();
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            return out;
        }
        List<String> header = List.of(lines[0].substring(2).split(","));
        int status = header.indexOf("status");
        int type = header.indexOf("type");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length <= Math.max(status, type)) {
                continue;
            }
            if (f[type].equals("1")) {
                out.put(upKey(f[0], "BACKEND"), f[status]);
            } else if (f[type].equals("2")) {
                out.put(upKey(f[0], f[1]), f[status]);
            }
        }
        return out;
    }

    static void awaitStatus(String backend, String sv, String status) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> haproxy.status(backend, sv), s -> s.equals(status));
    }
}
