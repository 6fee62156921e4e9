package dev.tocsin.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Rule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static dev.tocsin.haproxy.HaproxyFixture.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The preset rules against a real HAProxy whose backend servers the test stops and starts. */
class HaproxyAlertingIT {

    @TempDir
    Path dir;
    HaproxyFixture haproxy;
    final List<Alert> heard = new CopyOnWriteArrayList<>();
    final List<Evaluator> evaluators = new ArrayList<>();

    /** The four ways of reading the same HAProxy. */
    enum Transport {
        HTTP, HTTPS, UNIX_SOCKET, TCP_SOCKET
    }

    @BeforeEach
    void start() throws Exception {
        haproxy = new HaproxyFixture(dir)
                .backend("app", server("s1"), server("s2"))
                .backend("api", server("a1"), server("a2"))
                .start();
        awaitStatus("app", "BACKEND", "UP");
        awaitStatus("api", "BACKEND", "UP");
    }

    @AfterEach
    void stop() throws Exception {
        evaluators.forEach(Evaluator::close);
        haproxy.close();
    }

    HaproxySource source(Transport t) {
        HaproxySource.Builder b = HaproxySource.builder().retry(2, Duration.ofMillis(20))
                .circuitBreaker(5, Duration.ofMillis(300));
        switch (t) {
            case HTTP:
                return b.statsUri(haproxy.httpUri()).build();
            case HTTPS:
                return b.statsUri(haproxy.tlsUri()).trustStore(haproxy.trustStore()).build();
            case UNIX_SOCKET:
                return b.runtimeApi(haproxy.unixSocket()).build();
            default:
                return b.runtimeApi("127.0.0.1", haproxy.tcpApiPort()).build();
        }
    }

    Evaluator evaluator(MetricSource... sources) {
        Evaluator.Builder b = Evaluator.builder().rules(HaproxyRules.availability()).listener(heard::add);
        for (MetricSource s : sources) {
            b.source(s);
        }
        Evaluator e = b.build();
        evaluators.add(e);
        return e;
    }

    void awaitStatus(String backend, String sv, String status) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> haproxy.status(backend, sv), s -> s.equals(status));
    }

    static Predicate<Alert> is(String rule, AlertState state, String... labels) {
        Labels want = Labels.of(labels);
        return a -> a.ruleName().equals(rule) && a.state() == state
                && want.asMap().entrySet().stream().allMatch(e -> a.labels().get(e.getKey()).equals(e.getValue()));
    }

    static List<Alert> matching(List<Alert> alerts, Predicate<Alert> p) {
        return alerts.stream().filter(p).toList();
    }

    @Test
    void allBackendsUpNothingFires() throws Exception {
        Evaluator e = evaluator(source(Transport.HTTP));
        assertThat(e.evaluate(Instant.now())).isEmpty();
        assertThat(e.evaluate(Instant.now())).isEmpty();
        assertThat(heard).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void backendDownFiresWithExactLabelsAndResolvesOverEveryTransport(Transport t) throws Exception {
        HaproxySource src = source(t);
        Evaluator e = evaluator(src);
        assertThat(e.evaluate(Instant.now())).isEmpty();

        haproxy.serverOf("app", "s1").stop();
        haproxy.serverOf("app", "s2").stop();
        awaitStatus("app", "BACKEND", "DOWN");
        List<Alert> fired = e.evaluate(Instant.now());

        List<Alert> backendDown = matching(fired, is("HaproxyBackendDown", AlertState.FIRING));
        assertThat(backendDown).hasSize(1);
        Alert a = backendDown.get(0);
        assertThat(a.labels()).isEqualTo(Labels.of("alertname", "HaproxyBackendDown", "backend", "app",
                "instance", src.instance(), "job", "haproxy", "severity", "critical"));
        assertThat(a.value()).isEqualTo(0.0);
        assertThat(a.annotations()).containsEntry("summary", "HAProxy backend down (instance " + src.instance() + ")")
                // as Prometheus prints it: the filtering comparison keeps __name__ (checked with promtool)
                .containsEntry("description", "HAProxy backend is down\n  VALUE = 0\n  LABELS = "
                        + "map[__name__:haproxy_backend_up backend:app instance:" + src.instance() + " job:haproxy]")
                .containsEntry("runbook", HaproxyRules.BACKEND_DOWN_RUNBOOK_URL);
        assertThat(heard).contains(a);
        assertThat(a.runbook()).hasValueSatisfying(r -> assertThat(r.title()).isEqualTo("HaproxyBackendDown"));
        assertThat(a.context().get("down_servers")).contains("s1: DOWN").contains("s2: DOWN")
                .contains("s since last change");
        assertThat(matching(fired, is("HaproxyBackendDown", AlertState.FIRING, "backend", "api"))).isEmpty();
        assertThat(matching(fired, is("HaproxyServerDown", AlertState.FIRING, "backend", "app"))).hasSize(2);

        haproxy.serverOf("app", "s1").start();
        haproxy.serverOf("app", "s2").start();
        awaitStatus("app", "BACKEND", "UP");
        List<Alert> resolved = e.evaluate(Instant.now());
        assertThat(matching(resolved, is("HaproxyBackendDown", AlertState.RESOLVED, "backend", "app"))).hasSize(1);
    }

    /**
     * With only the backend rule, the server metrics its diagnosis reads are not mapped in each scrape: they are looked
     * up for the backend an alert is about, and equal what a full scrape gives.
     */
    @Test
    void theDiagnosisLooksUpTheServersOfOneBackendOnDemand() throws Exception {
        HaproxySource src = source(Transport.HTTP);
        // the evaluator's internal view of it (the public type does not show it)
        dev.tocsin.core.internal.DeferringSource deferring = (dev.tocsin.core.internal.DeferringSource) src;
        haproxy.serverOf("app", "s1").stop();
        awaitStatus("app", "s1", "DOWN");
        dev.tocsin.core.MetricInterest interest = dev.tocsin.core.MetricInterest.of(List.of("haproxy_backend_up"),
                List.of(dev.tocsin.haproxy.internal.BackendDiagnostics.reads()));
        // the public collect(interest) maps the on-demand names too: a wrapper that copies the list loses nothing
        assertThat(src.collect(interest)).extracting(x -> x.labels().metricName()).contains("haproxy_backend_up",
                "haproxy_server_status", "haproxy_server_check_status");
        java.util.Set<String> skipped = java.util.Set.of("haproxy_server_status", "haproxy_server_check_status",
                "haproxy_server_check_info", "haproxy_server_last_change_seconds", "haproxy_server_up",
                "haproxy_server_status_info");
        // the on-demand look-up against a full scrape taken right after it: a health check of the live HAProxy may
        // land between the two (s2's check_code read 0 in one and 200 in the next), so until two agree
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<dev.tocsin.core.Sample> lazy = deferring.collectDeferring(interest);
            List<dev.tocsin.core.Sample> full = src.collect();
            assertThat(lazy).extracting(x -> x.labels().metricName()).contains("haproxy_backend_up",
                    "haproxy_backend_servers_total").doesNotContainAnyElementsOf(skipped);
            assertThat(lazy).isInstanceOf(dev.tocsin.core.internal.SampleFamilies.class);
            dev.tocsin.core.internal.OnDemandSeries onDemand =
                    ((dev.tocsin.core.internal.SampleFamilies) lazy).onDemand();
            assertThat(onDemand.names()).isEqualTo(skipped);
            for (String name : List.of("haproxy_server_status", "haproxy_server_check_status", "haproxy_server_up")) {
                java.util.Map<String, String> app = java.util.Map.of("instance", src.instance(), "job", "haproxy",
                        "backend", "app");
                List<dev.tocsin.core.Sample> expected = full.stream().filter(x -> x.labels().metricName().equals(name)
                        && x.labels().get("backend").equals("app")).toList();
                assertThat(expected).isNotEmpty();
                assertThat(onDemand.lookup(name, app)).as(name).containsExactlyInAnyOrderElementsOf(expected);
            }
        });
        // the same source asked with other interests: a name read in every evaluation is mapped again, and skipped
        // again when it is wanted on demand only
        dev.tocsin.core.MetricInterest eager = dev.tocsin.core.MetricInterest.of(List.of("haproxy_backend_up",
                "haproxy_server_status"), List.of(dev.tocsin.haproxy.internal.BackendDiagnostics.reads()));
        List<dev.tocsin.core.Sample> some = deferring.collectDeferring(eager);
        assertThat(some).extracting(x -> x.labels().metricName()).contains("haproxy_server_status")
                .doesNotContain("haproxy_server_check_status");
        assertThat(((dev.tocsin.core.internal.SampleFamilies) some).onDemand().names())
                .doesNotContain("haproxy_server_status").contains("haproxy_server_check_status");
        assertThat(deferring.collectDeferring(interest)).extracting(x -> x.labels().metricName())
                .doesNotContainAnyElementsOf(skipped);
        Evaluator e = Evaluator.builder().source(src).rule(HaproxyRules.backendDown()).build();
        evaluators.add(e);
        // wrapped (here copying the list), the source is asked for everything and the diagnosis is the same
        Evaluator wrapped = Evaluator.builder().source(new dev.tocsin.core.source.ForwardingMetricSource(source(
                Transport.HTTP)) {
            @Override
            public List<dev.tocsin.core.Sample> collect(dev.tocsin.core.MetricInterest i) throws Exception {
                return new ArrayList<>(super.collect(i));
            }
        }).rule(HaproxyRules.backendDown()).build();
        evaluators.add(wrapped);
        haproxy.serverOf("app", "s2").stop();
        awaitStatus("app", "BACKEND", "DOWN");
        for (Evaluator ev : List.of(e, wrapped)) {
            assertThat(matching(ev.evaluate(Instant.now()), is("HaproxyBackendDown", AlertState.FIRING)))
                    .singleElement().satisfies(a -> assertThat(a.context())
                            .containsEntry("servers_up", "0 of 2 servers UP")
                            .hasEntrySatisfying("down_servers", d -> assertThat(d).contains("s1: DOWN", "s2: DOWN")));
        }
    }

    @Test
    void basicAuthSourceReadsTheProtectedPage() throws Exception {
        HaproxySource src = HaproxySource.builder().statsUri(haproxy.authUri())
                .basicAuth(HaproxyFixture.USER, HaproxyFixture.PASSWORD.toCharArray()).build();
        assertThat(src.collect()).anySatisfy(s -> assertThat(s.labels().get("backend")).isEqualTo("app"));
        HaproxySource wrong = HaproxySource.builder().statsUri(haproxy.authUri())
                .basicAuth(HaproxyFixture.USER, "nope".toCharArray()).retry(1, Duration.ofMillis(1)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(wrong::collect).hasMessageContaining("HTTP 401")
                .hasMessageNotContaining(HaproxyFixture.PASSWORD);
    }

    @Test
    void oneOfTwoServersDownFiresServerDownOnly() throws Exception {
        Evaluator e = evaluator(source(Transport.UNIX_SOCKET));
        e.evaluate(Instant.now());
        haproxy.serverOf("api", "a1").stop();
        awaitStatus("api", "a1", "DOWN");
        List<Alert> fired = e.evaluate(Instant.now());
        assertThat(matching(fired, is("HaproxyServerDown", AlertState.FIRING, "backend", "api", "server", "a1")))
                .singleElement().satisfies(a -> assertThat(a.context().get("server_status")).startsWith("a1: DOWN"));
        assertThat(matching(fired, a -> a.ruleName().equals("HaproxyBackendDown"))).isEmpty();
    }

    @Test
    void haproxyStoppedFiresHaproxyDownHoldsBackendDownAndRecovers() throws Exception {
        HaproxySource src = source(Transport.HTTP);
        Evaluator e = evaluator(src);
        haproxy.serverOf("app", "s1").stop();
        haproxy.serverOf("app", "s2").stop();
        awaitStatus("app", "BACKEND", "DOWN");
        assertThat(matching(e.evaluate(Instant.now()), is("HaproxyBackendDown", AlertState.FIRING))).hasSize(1);

        haproxy.stop();
        List<Alert> down = e.evaluate(Instant.now());
        assertThat(matching(down, is("HaproxyDown", AlertState.FIRING, "instance", src.instance()))).hasSize(1);
        assertThat(matching(down, a -> a.ruleName().equals("HaproxyBackendDown"))).isEmpty();
        assertThat(matching(e.evaluate(Instant.now()), a -> a.ruleName().equals("HaproxyBackendDown"))).isEmpty();
        assertThat(matching(e.alerts(), is("HaproxyBackendDown", AlertState.FIRING, "backend", "app"))).hasSize(1);

        haproxy.serverOf("app", "s1").start();
        haproxy.serverOf("app", "s2").start();
        haproxy.start();
        awaitStatus("app", "BACKEND", "UP");
        List<Alert> back = new ArrayList<>();
        // the circuit breaker may still be open for a few hundred ms: evaluate until the source is read again
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            back.addAll(e.evaluate(Instant.now()));
            return !matching(back, is("HaproxyDown", AlertState.RESOLVED)).isEmpty();
        });
        assertThat(matching(back, is("HaproxyBackendDown", AlertState.RESOLVED, "backend", "app"))).hasSize(1);
    }

    @Test
    void latencyFromCsvShowingDownToListenerIsAtMostOneIntervalPlusMargin() throws Exception {
        Duration interval = Duration.ofMillis(100);
        List<Long> firedAt = new CopyOnWriteArrayList<>();
        Evaluator e = Evaluator.builder().source(source(Transport.UNIX_SOCKET)).rule(HaproxyRules.backendDown())
                .interval(interval).listener(a -> {
                    if (a.state() == AlertState.FIRING && a.labels().get("backend").equals("app")) {
                        firedAt.add(System.nanoTime());
                    }
                }).build();
        evaluators.add(e);
        e.start();
        haproxy.serverOf("app", "s1").stop();
        haproxy.serverOf("app", "s2").stop();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(2))
                .until(() -> haproxy.status("app", "BACKEND"), s -> s.equals("DOWN"));
        long seen = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> !firedAt.isEmpty());
        long latencyMs = Math.max(0, (firedAt.get(0) - seen) / 1_000_000);
        System.out.println("HaproxyBackendDown latency from CSV DOWN to listener: " + latencyMs + " ms (interval "
                + interval.toMillis() + " ms)");
        // promised: interval + 20 ms; generous CI margin on a shared 2-core machine
        assertThat(latencyMs).isLessThanOrEqualTo(interval.toMillis() + 20 + 480);
    }

    @Test
    void presetsAreThePublishedRules() {
        Rule r = HaproxyRules.backendDown();
        assertThat(r.name()).isEqualTo("HaproxyBackendDown");
        assertThat(r.forDuration()).isZero();
        assertThat(r.labels()).containsExactly(java.util.Map.entry("severity", "critical"));
        assertThat(r.annotations()).containsEntry("description",
                "HAProxy backend is down\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}");
        assertThat(HaproxyRules.serverDown().annotations()).containsEntry("summary",
                "HAProxy server down (instance {{ $labels.instance }})");
        assertThat(HaproxyRules.haproxyDown().runbook()).isPresent();
    }
}
