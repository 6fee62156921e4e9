package dev.tocsin.core.internal;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source may skip the series rules read only on demand and answer {@link MetricsView#seriesMatching} look-ups
 * instead ({@link OnDemandSeries}): rules see the same series as if they had been returned.
 */
class OnDemandSeriesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String INSTANCE = "lb1:8404";

    private static Sample server(String backend, String server, double up) {
        return Sample.of("server_up", up, "backend", backend, "server", server, "instance", INSTANCE, "job",
                "haproxy");
    }

    /** The look-up of one read: answers from a fixed list and records what it was asked. */
    static final class Lookup implements OnDemandSeries {
        final List<Sample> all;
        final List<Map<String, String>> asked = new ArrayList<>();
        RuntimeException failure;

        Lookup(List<Sample> all) {
            this.all = all;
        }

        @Override
        public Set<String> names() {
            return Set.of("server_up");
        }

        @Override
        public synchronized List<Sample> lookup(String metricName, Map<String, String> labels) {
            asked.add(labels);
            if (failure != null) {
                throw failure;
            }
            return all.stream().filter(s -> s.labels().metricName().equals(metricName)
                    && MetricsView.matches(s.labels(), labels)).collect(Collectors.toList());
        }
    }

    /** Families with an on-demand look-up. */
    static final class LazyFamilies extends SampleFamiliesTest.Families {
        final OnDemandSeries lookup;

        LazyFamilies(Map<String, List<Sample>> families, OnDemandSeries lookup) {
            super(families, List.of(), Set.of("instance", "job"));
            this.lookup = lookup;
        }

        @Override
        public OnDemandSeries onDemand() {
            return lookup;
        }
    }

    private static final List<Sample> SERVERS = List.of(server("a", "a1", 0), server("a", "a2", 0),
            server("b", "b1", 1), server("b", "b2", 0));

    private static LazyFamilies read(Lookup lookup, double aUp) {
        Map<String, List<Sample>> fam = new TreeMap<>();
        fam.put("backend_up", List.of(
                Sample.of("backend_up", aUp, "backend", "a", "instance", INSTANCE, "job", "haproxy"),
                Sample.of("backend_up", 1, "backend", "b", "instance", INSTANCE, "job", "haproxy")));
        return new LazyFamilies(fam, lookup);
    }

    /** Fires for down backends; the context lists the backend's servers that are down, looked up on demand. */
    private static Rule backendDown() {
        return Rule.alert("BackendDown")
                .condition(m -> m.series("backend_up").stream().filter(s -> s.value() == 0).toList())
                .context((labels, m) -> Map.of("down", m.seriesMatching("server_up", Map.of("instance",
                                labels.get("instance"), "job", labels.get("job"), "backend", labels.get("backend")))
                        .stream().filter(s -> s.value() == 0).map(s -> s.labels().get("server")).sorted()
                        .collect(Collectors.joining(","))))
                .reads("backend_up").readsOnDemand("server_up").build();
    }

    @Test
    void contextsLookUpOnlyTheirBackendAndFullReadsLookUpOncePerEvaluation() {
        Lookup lookup = new Lookup(SERVERS);
        TestSource source = new TestSource(INSTANCE, "haproxy", "haproxy_up").setAsGiven(read(lookup, 0));
        List<List<Sample>> fullReads = new ArrayList<>();
        Rule countAll = Rule.alert("EveryServer").condition(m -> {
            fullReads.add(m.series("server_up"));
            fullReads.add(m.series("server_up", l -> l.get("backend").equals("b")));
            return List.of();
        }).reads("server_up").readsOnDemand("server_up").build();
        try (Evaluator e = Evaluator.builder().source(source).rule(backendDown()).rule(countAll).build()) {
            List<Alert> alerts = e.evaluate(T0);
            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(AlertState.FIRING);
                assertThat(a.labels().get("backend")).isEqualTo("a");
                assertThat(a.context()).containsEntry("down", "a1,a2");
            });
        }
        // the context asked for its backend only; the full reads asked once for everything
        assertThat(lookup.asked).containsExactlyInAnyOrder(
                Map.of("instance", INSTANCE, "job", "haproxy", "backend", "a"), Map.of());
        assertThat(fullReads.get(0)).containsExactlyInAnyOrderElementsOf(SERVERS);
        assertThat(fullReads.get(1)).extracting(s -> s.labels().get("server")).containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void aReturnedSeriesAndALookedUpOneAreBothSeen() {
        Lookup lookup = new Lookup(SERVERS);
        Map<String, List<Sample>> fam = new TreeMap<>();
        fam.put("backend_up", List.of(Sample.of("backend_up", 0, "backend", "a", "instance", INSTANCE, "job",
                "haproxy")));
        fam.put("server_up", List.of(server("a", "a3", 0)));
        TestSource source = new TestSource(INSTANCE, "haproxy", "haproxy_up").setAsGiven(new LazyFamilies(fam,
                lookup));
        try (Evaluator e = Evaluator.builder().source(source).rule(backendDown()).build()) {
            assertThat(e.evaluate(T0)).singleElement()
                    .satisfies(a -> assertThat(a.context()).containsEntry("down", "a1,a2,a3"));
        }
    }

    @Test
    void aFailedLookUpCostsOnlyTheContext() {
        Lookup lookup = new Lookup(SERVERS);
        lookup.failure = new IllegalStateException("the rows are gone");
        TestSource source = new TestSource(INSTANCE, "haproxy", "haproxy_up").setAsGiven(read(lookup, 0));
        Rule other = Rule.alert("Other").condition(m -> List.of(Sample.of("x", 1))).reads("backend_up").build();
        try (Evaluator e = Evaluator.builder().source(source).rule(backendDown()).rule(other).build()) {
            List<Alert> first = e.evaluate(T0);
            assertThat(first).extracting(Alert::ruleName).containsExactlyInAnyOrder("BackendDown", "Other");
            assertThat(first).filteredOn(a -> a.ruleName().equals("BackendDown")).singleElement()
                    .satisfies(a -> assertThat(a.context()).isEmpty());
        }
    }

    @Test
    void aHeldReadKeepsItsLookUp() {
        Lookup lookup = new Lookup(SERVERS);
        TestSource source = new TestSource(INSTANCE, "haproxy", "haproxy_up").setAsGiven(read(lookup, 1));
        Rule serverDown = Rule.alert("ServerDown")
                .condition(m -> m.seriesMatching("server_up", Map.of("backend", "b")).stream()
                        .filter(s -> s.value() == 0).toList())
                .readsOnDemand("server_up").build();
        try (Evaluator e = Evaluator.builder().source(source).rule(serverDown).holdOnSourceFailure(true).build()) {
            assertThat(e.evaluate(T0)).singleElement()
                    .satisfies(a -> assertThat(a.labels().get("server")).isEqualTo("b2"));
            // the source fails; its last good read is held, and so is its look-up: the alert does not resolve
            source.fail(new IllegalStateException("down"));
            lookup.asked.clear();
            assertThat(e.evaluate(T0.plusSeconds(5))).isEmpty();
            assertThat(lookup.asked).containsExactly(Map.of("backend", "b"));
        }
    }

    /** A source that can defer: says which of its methods the evaluator called. */
    static final class Deferring implements dev.tocsin.core.MetricSource, DeferringSource {
        final List<String> calls = new ArrayList<>();
        final List<Sample> samples;

        Deferring(List<Sample> samples) {
            this.samples = samples;
        }

        @Override
        public String instance() {
            return INSTANCE;
        }

        @Override
        public String job() {
            return "haproxy";
        }

        @Override
        public List<Sample> collect() {
            return samples;
        }

        @Override
        public List<Sample> collect(dev.tocsin.core.MetricInterest interest) {
            calls.add("collect " + interest);
            return collect();
        }

        @Override
        public List<Sample> collectDeferring(dev.tocsin.core.MetricInterest interest) {
            calls.add("deferring " + interest);
            return collect();
        }
    }

    @Test
    void theEvaluatorLetsOnlyASourceItReadsItselfDeferAndOnlyWhenSomethingIsOnDemand() {
        Deferring source = new Deferring(read(new Lookup(SERVERS), 0));
        try (Evaluator e = Evaluator.builder().source(source).rule(backendDown()).build()) {
            assertThat(e.evaluate(T0)).singleElement()
                    .satisfies(a -> assertThat(a.context()).containsEntry("down", "a1,a2"));
            e.addRule(Rule.alert("Eager").expr("server_up == 0").build());
            e.evaluate(T0.plusSeconds(5));
        }
        assertThat(source.calls).containsExactly("deferring MetricInterest[backend_up] on demand [server_up]",
                "collect MetricInterest[backend_up, server_up]");
        // behind a wrapper, the evaluator cannot know the list reaches it whole: it asks for everything
        Deferring inner = new Deferring(read(new Lookup(SERVERS), 0));
        try (Evaluator e = Evaluator.builder().source(new dev.tocsin.core.source.ForwardingMetricSource(inner) {
        }).rule(backendDown()).build()) {
            e.evaluate(T0);
        }
        assertThat(inner.calls).containsExactly("collect MetricInterest[backend_up] on demand [server_up]");
    }

    @Test
    void matchingNeedsEveryLabelValue() {
        Labels l = Labels.of("a", "1", "b", "2");
        assertThat(MetricsView.matches(l, Map.of())).isTrue();
        assertThat(MetricsView.matches(l, Map.of("a", "1"))).isTrue();
        assertThat(MetricsView.matches(l, Map.of("a", "1", "b", "3"))).isFalse();
        assertThat(MetricsView.matches(l, Map.of("c", ""))).as("absent is the empty value").isTrue();
        assertThat(MetricsView.matches(l, Map.of("c", "x"))).isFalse();
    }
}
