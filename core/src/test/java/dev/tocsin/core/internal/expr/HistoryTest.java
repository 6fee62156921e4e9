package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.testing.TestSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HistoryTest {

    /**
     * The index of the first sample at or after a time agrees with a linear scan, for evenly and unevenly spaced
     * samples, before and after old samples are dropped (the stored samples then start inside the arrays).
     */
    @Test
    void firstSampleAtOrAfterATimeAgreesWithALinearScan() {
        org.quicktheories.QuickTheory.qt().withExamples(2000).forAll(
                org.quicktheories.generators.SourceDSL.lists().of(
                        org.quicktheories.generators.SourceDSL.integers().between(1, 20)).ofSizeBetween(0, 150),
                org.quicktheories.generators.SourceDSL.integers().between(0, 10),
                org.quicktheories.generators.SourceDSL.integers().between(-50, 3200),
                org.quicktheories.generators.SourceDSL.integers().between(0, 3000))
                .checkAssert((gaps, jitter, probe, drop) -> {
                    History.Series s = new History.Series(Labels.of("__name__", "m"));
                    List<Long> times = new ArrayList<>();
                    long t = 1000;
                    for (int i = 0; i < gaps.size(); i++) {
                        // mostly a regular step of 5 (as an evaluation interval), irregular when jitter > 0
                        t += jitter == 0 ? 5 : gaps.get(i) * jitter;
                        s.append(t, i);
                        times.add(t);
                    }
                    long dropBefore = 1000 + drop;
                    s.dropBefore(dropBefore);
                    times.removeIf(x -> x < dropBefore);
                    long at = 1000 + probe;
                    int expected = 0;
                    while (expected < times.size() && times.get(expected) < at) {
                        expected++;
                    }
                    assertThat(s.size()).isEqualTo(times.size());
                    assertThat(s.firstAtOrAfter(at)).as("first at or after %d in %s", at, times).isEqualTo(expected);
                });
    }

    private static TestContext ctx(long seconds, Sample... samples) {
        TestContext c = new TestContext(Instant.ofEpochSecond(seconds));
        for (Sample s : samples) {
            c.add(s);
        }
        return c;
    }

    private static List<History.Series> series(History h, String name) {
        List<History.Series> out = new ArrayList<>();
        h.series(name).forEach(out::add);
        return out;
    }

    @Test
    void keepsOnlyTheRetentionAndTheConfiguredNames() {
        History h = new History();
        h.configure(60_000, Set.of("x"), false);
        for (int i = 0; i <= 10; i++) {
            h.record(i * 15_000L, ctx(i * 15L, Sample.of("x", i, "a", "1"), Sample.of("y", i)));
        }
        assertThat(series(h, "y")).isEmpty();
        History.Series s = series(h, "x").get(0);
        // t = 150 s, retention 60 s: samples at 90..150 s
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.time(0)).isEqualTo(90_000L);
        assertThat(s.value(4)).isEqualTo(10.0);
        assertThat(s.firstAtOrAfter(100_000L)).isEqualTo(1);
        assertThat(s.firstAtOrAfter(200_000L)).isEqualTo(5);
    }

    @Test
    void memoryFollowsTheRetention() {
        History h = new History();
        h.configure(60_000, Set.of("x"), false);
        for (int i = 0; i <= 10_000; i++) {
            h.record(i * 1_000L, ctx(i, Sample.of("x", i)));
        }
        History.Series s = series(h, "x").get(0);
        // the retention (61 samples, from 9,940 s) and at most an eighth more, dropped in batches
        assertThat(s.size()).isBetween(61, 61 + 60 / History.EXPIRY_SLACK_DIVISOR);
        assertThat(s.time(0)).isBetween((10_000 - 60 - 60 / History.EXPIRY_SLACK_DIVISOR) * 1_000L,
                (10_000 - 60) * 1_000L);
        assertThat(s.time(s.size() - 1)).isEqualTo(10_000_000L);
        // the newest 61 samples are the retention
        assertThat(s.firstAtOrAfter((10_000 - 60) * 1_000L)).isEqualTo(s.size() - 61);
    }

    /**
     * Each name keeps only as far back as it is read: {@code x} one minute, {@code y} ten; with a selector without a
     * fixed name every other name gets that selector's retention, and a name read further back keeps its own.
     */
    @Test
    void eachNameKeepsItsOwnRetention() {
        History h = new History();
        h.configure(java.util.Map.of("x", 60_000L, "y", 600_000L), 0, false);
        for (int i = 0; i <= 100; i++) {
            h.record(i * 15_000L, ctx(i * 15L, Sample.of("x", i), Sample.of("y", i), Sample.of("z", i)));
        }
        assertThat(h.retentionMillis()).isEqualTo(600_000L);
        assertThat(series(h, "z")).isEmpty();
        // at 1,500 s: x from 1,440 s (5 samples, at most an eighth of a minute more), y from 900 s (41 samples)
        assertThat(series(h, "x").get(0).size()).isBetween(5, 5 + 1);
        assertThat(series(h, "x").get(0).firstAtOrAfter(1_440_000L)).isEqualTo(series(h, "x").get(0).size() - 5);
        assertThat(series(h, "y").get(0).size()).isBetween(41, 41 + 5);
        assertThat(series(h, "y").get(0).firstAtOrAfter(900_000L)).isEqualTo(series(h, "y").get(0).size() - 41);

        h.configure(java.util.Map.of("y", 600_000L), 60_000L, true);
        for (int i = 101; i <= 110; i++) {
            h.record(i * 15_000L, ctx(i * 15L, Sample.of("x", i), Sample.of("y", i), Sample.of("z", i)));
        }
        assertThat(series(h, "z").get(0).size()).as("z from the selector without a name").isBetween(5, 5 + 1);
        assertThat(series(h, "x").get(0).size()).isBetween(5, 5 + 1);
        assertThat(series(h, "y").get(0).size()).isBetween(41, 41 + 5);
        assertThat(h.retentionOf("z")).isEqualTo(60_000L);
        assertThat(h.retentionOf("y")).isEqualTo(600_000L);

        h.configure(java.util.Map.of("y", 60_000L), 0, false);
        h.record(111 * 15_000L, ctx(111 * 15L, Sample.of("x", 111), Sample.of("y", 111)));
        assertThat(series(h, "x")).as("no longer read").isEmpty();
        assertThat(series(h, "y").get(0).size()).as("a shortened retention drops the older samples").isEqualTo(5);
    }

    @Test
    void aSeriesKeepsAtMostTheSampleCap() {
        History h = new History();
        h.configure(Long.MAX_VALUE / 4, Set.of("x"), false);
        int n = History.MAX_SAMPLES_PER_SERIES + 10;
        for (int i = 0; i < n; i++) {
            h.record(i, ctx(0, Sample.of("x", i)));
        }
        History.Series s = series(h, "x").get(0);
        assertThat(s.size()).isEqualTo(History.MAX_SAMPLES_PER_SERIES);
        assertThat(s.value(s.size() - 1)).isEqualTo(n - 1.0);
        assertThat(s.time(0)).isEqualTo(10L);
        assertThat(s.isDense()).isTrue();
        assertThat(h.sharedTimes("x")).as("the shared times follow the capped series").isEqualTo(s.size());
    }

    @Test
    void aDisappearedSeriesGetsAStalenessMarkerAndIsDroppedAfterTheRetention() {
        History h = new History();
        h.configure(60_000, Set.of("x"), false);
        h.record(0, ctx(0, Sample.of("x", 1, "a", "1"), Sample.of("x", 2, "a", "2")));
        h.record(30_000, ctx(30, Sample.of("x", 1, "a", "1")));
        History.Series gone = null;
        for (History.Series s : h.series("x")) {
            if (s.labels().get("a").equals("2")) {
                gone = s;
            }
        }
        assertThat(gone.size()).isEqualTo(2);
        assertThat(gone.isStale(1)).isTrue();
        assertThat(Double.isNaN(gone.value(1))).isTrue();
        h.record(60_000, ctx(60, Sample.of("x", 1, "a", "1")));
        assertThat(gone.size()).as("only one marker").isEqualTo(2);
        h.record(91_000, ctx(91, Sample.of("x", 1, "a", "1")));
        assertThat(h.seriesCount()).isEqualTo(1);
        // offset: the marker hides the series; before the marker the old sample is found
        Vector v = Expression.parse("x offset 30s").evaluate(ctx(91).withHistory(h));
        assertThat(v.size()).isEqualTo(1);
    }

    @Test
    void heldSamplesAreNotRecordedButMarkTheSeriesHeld() {
        History h = new History();
        h.configure(600_000, Set.of("c"), false);
        h.record(0, ctx(0, Sample.of("c", 0)));
        h.record(60_000, ctx(60, Sample.of("c", 60)));
        TestContext failed = new TestContext(Instant.ofEpochSecond(120)).add(Sample.of("c", 60), true);
        h.record(120_000, failed);
        History.Series s = series(h, "c").get(0);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.heldAt(120_000)).isTrue();
        Vector v = Expression.parse("increase(c[2m])").evaluate(failed.withHistory(h));
        assertThat(v.size()).isEqualTo(1);
        assertThat(v.held(0)).isTrue();
        // held: the window is read as of the last real sample (60 s), so the result is what it was at the last good
        // read, [-60 s, 60 s]: 0 to 60, not extrapolated (the counter started at 0 and the last sample ends it)
        assertThat(v.sample(0).value()).isEqualTo(60.0);
    }

    @Test
    void nothingIsKeptWithoutRangesOrOffsets() {
        History h = new History();
        h.configure(0, Set.of(), false);
        h.record(0, ctx(0, Sample.of("x", 1)));
        assertThat(h.seriesCount()).isZero();
        h.configure(60_000, Set.of(), true);
        h.record(1_000, ctx(1, Sample.of("x", 1), Sample.of("y", 2)));
        assertThat(h.seriesCount()).isEqualTo(2);
        History.empty().configure(60_000, Set.of("x"), true);
        History.empty().record(0, ctx(0, Sample.of("x", 1)));
        assertThat(History.empty().seriesCount()).isZero();
    }

    @Test
    void theEvaluatorKeepsHistoryForItsRules() {
        TestSource source = new TestSource("lb1:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source)
                .rule(Rule.alert("Busy").expr("rate(req_total[2m]) > 1").build()).build()) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            source.set(Sample.of("req_total", 0));
            assertThat(ev.evaluate(t0)).isEmpty(); // one sample: no rate yet
            source.set(Sample.of("req_total", 300));
            List<Alert> t = ev.evaluate(t0.plusSeconds(30));
            assertThat(t).hasSize(1);
            assertThat(t.get(0).state()).isEqualTo(AlertState.FIRING);
            // the samples landed 1 ms before each evaluation (as scrapes do before a rule evaluation): Prometheus'
            // extrapolation to the window's end adds that 1 ms (not to its start: the counter began at 0)
            assertThat(t.get(0).value()).isEqualTo(300 * (30.001 / 30) / 120);
            for (int i = 2; i <= 6; i++) {
                ev.evaluate(t0.plusSeconds(30L * i)); // flat counter
            }
            assertThat(ev.alerts()).allMatch(a -> a.state() == AlertState.RESOLVED);
        }
    }

    /**
     * A counter that steps by exactly 2 (HAProxy's check failures with {@code fall 2}) is a little more than 2 over a
     * window, as in a live Prometheus, whose scrapes land before the rule evaluation: the community rule
     * {@code increase(haproxy_server_check_failures_total[1m]) > 2} fires. With the samples exactly on the evaluation
     * times the increase was exactly 2 and the alert never fired (found beside a real Prometheus).
     */
    @Test
    void aCounterSteppingByTwoIsMoreThanTwoOverAWindowAsInALivePrometheus() {
        TestSource source = new TestSource("lb1:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source).interval(java.time.Duration.ofSeconds(1))
                .rule(Rule.alert("HealthcheckFailure").expr("increase(chk_total[1m]) > 2").build()).build()) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            List<Alert> fired = List.of();
            for (int i = 0; i <= 31; i++) {
                source.set(Sample.of("chk_total", i < 30 ? 0 : i == 30 ? 1 : 2));
                fired = ev.evaluate(t0.plusSeconds(i));
            }
            // samples from -0.001 s to 30.999 s: 2 over 31 s, extrapolated by the 1 ms to the window's end (not to its
            // start: the counter was 0 there)
            assertThat(fired).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(AlertState.FIRING);
                assertThat(a.value()).isEqualTo(2 * (31.001 / 31));
            });
        }
    }

    /**
     * A rule reading one metric over a minute does not shorten another rule's ten minutes of another metric, nor an
     * offset's reach: each name keeps what its own readers need.
     */
    @Test
    void theEvaluatorKeepsEachMetricForItsOwnRules() {
        TestSource source = new TestSource("lb1:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source)
                .rule(Rule.alert("Fast").expr("rate(a_total[1m]) > 100").build())
                .rule(Rule.alert("Slow").expr("increase(b_total[10m]) >= 0").build())
                .rule(Rule.alert("Then").expr("c offset 8m >= 0").build()).build()) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i <= 20; i++) { // every 30 s for 10 minutes; b_total grows by 1 per step
                source.set(Sample.of("a_total", i), Sample.of("b_total", i), Sample.of("c", i));
                ev.evaluate(t0.plusSeconds(30L * i));
            }
            Alert slow = ev.alerts().stream().filter(a -> a.ruleName().equals("Slow")).findFirst().orElseThrow();
            // samples from 0 to 600 s, the whole window: 20 over 10 minutes
            assertThat(slow.value()).isEqualTo(20.0);
            Alert then = ev.alerts().stream().filter(a -> a.ruleName().equals("Then")).findFirst().orElseThrow();
            assertThat(then.value()).isEqualTo(4.0); // the sample at 120 s
        }
    }

    @Test
    void rawSamplesKeepTheirOwnTimestampsAndOnlyTheirOwnStalenessMarkers() {
        History h = new History();
        h.configure(60_000, Set.of("c"), false);
        Labels raw = Labels.of("__name__", "c", "a", "1");
        // a series scraped every 15 s, evaluated every 60 s: four samples per evaluation, one of them stale
        for (int i = 0; i <= 4; i++) {
            h.recordRaw(raw, i * 15_000L, 10.0 * i, i == 3);
        }
        h.recordRaw(Labels.of("__name__", "other"), 0, 1, false); // a metric no rule reads through a range
        // the evaluation's own view of c (what collect() returned) is not recorded a second time
        h.record(60_000L, ctx(60, Sample.of("c", 99, "a", "1")), raw::equals);
        History.Series s = series(h, "c").get(0);
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.time(1)).isEqualTo(15_000L);
        assertThat(s.value(4)).isEqualTo(40.0);
        assertThat(s.isStale(3)).isTrue();
        assertThat(series(h, "other")).isEmpty();
        // no sample at 120 s: no synthetic staleness marker; the series goes once its last sample is too old
        h.record(120_000L, ctx(120), raw::equals);
        s = series(h, "c").get(0);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.isStale(0)).isFalse();
        h.record(121_000L, ctx(121), raw::equals);
        assertThat(series(h, "c")).isEmpty();
    }

    /**
     * What the history holds depends on label values only, never on label object identity: a twin history fed
     * equal but never identical label objects must hold the same samples, through gaps, reorderings, held samples
     * and series dropped after the retention and coming back (a guard for identity-based shortcuts).
     */
    @Test
    void whatIsKeptDependsOnLabelValuesNotOnLabelObjects() {
        org.quicktheories.core.Gen<List<List<Integer>>> scrapes = org.quicktheories.generators.SourceDSL.lists()
                .of(org.quicktheories.generators.SourceDSL.lists()
                        .of(org.quicktheories.generators.SourceDSL.integers().between(0, 11)).ofSizeBetween(0, 10))
                .ofSizeBetween(1, 40);
        org.quicktheories.QuickTheory.qt().withExamples(300).forAll(scrapes).checkAssert(steps -> {
            Labels[] pool = new Labels[12];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = poolLabels(i);
            }
            History fast = new History();
            History byValue = new History();
            fast.configure(20_000, Set.of("x"), false);
            byValue.configure(20_000, Set.of("x"), false);
            long t = 0;
            for (List<Integer> step : steps) {
                t += 5_000;
                TestContext a = new TestContext(Instant.ofEpochMilli(t));
                TestContext b = new TestContext(Instant.ofEpochMilli(t));
                java.util.Set<Integer> seen = new java.util.HashSet<>();
                for (int i : step) {
                    if (seen.add(i)) {
                        double v = t / 1000.0 + i;
                        boolean held = (i + t / 5_000) % 7 == 0;
                        a.add(new Sample(pool[i], v), held);
                        b.add(new Sample(poolLabels(i), v), held);
                    }
                }
                fast.record(t, a);
                byValue.record(t, b);
                assertThat(dump(fast)).isEqualTo(dump(byValue));
            }
        });
    }

    /** A new label object each call (equal for equal {@code i}); "b" is empty (absent) for the first 8. */
    private static Labels poolLabels(int i) {
        return Labels.of("__name__", "x", "a", Integer.toString(i % 8), "b", i < 8 ? "" : "y");
    }

    private static java.util.Map<String, List<String>> dump(History h) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        for (History.Series s : h.series("x")) {
            List<String> samples = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                samples.add(s.time(i) + "=" + Double.doubleToRawLongBits(s.value(i)));
            }
            out.put(s.labels().toString(), samples);
        }
        return out;
    }

    /** Two sources of one metric; one is held for a day (a long sourceStaleness): the shared times must stay bounded. */
    @Test
    void aHeldDenseSeriesDoesNotPinTheSharedTimes() {
        History h = new History();
        h.configure(60_000, Set.of("m"), false);
        long t = 1_000_000;
        for (int i = 0; i < 17_280; i++, t += 5_000) { // a day at 5 s
            TestContext c = new TestContext(Instant.ofEpochMilli(t));
            c.add(Sample.of("m", i, "instance", "a"), i >= 20); // held from the 20th evaluation on
            c.add(Sample.of("m", i, "instance", "b"), false);
            h.record(t, c);
        }
        assertThat(h.sharedTimes("m")).isLessThan(100);
    }
}
