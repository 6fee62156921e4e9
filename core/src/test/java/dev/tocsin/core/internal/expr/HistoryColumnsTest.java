package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The history's dense series (values only, times shared per metric) against a plain model of what each series must
 * hold: the same samples, times and staleness markers whatever the order of appearances, gaps, held samples, repeated
 * and backward evaluation times, and expiry.
 */
class HistoryColumnsTest {

    private static final int SERIES = 5;

    /** One series of the model: its samples (time, value bits) and when it was last seen. */
    private static final class Model {
        final List<long[]> samples = new ArrayList<>();
        long lastSeen = -1;
        /** Whether the series was held the last time it was seen (at {@link #lastSeen}). */
        boolean held;

        void append(long t, long bits) {
            if (!samples.isEmpty() && samples.get(samples.size() - 1)[0] >= t) {
                return; // out of order or the same time: the first one stays
            }
            samples.add(new long[] {t, bits});
        }

        boolean lastIsStale() {
            return !samples.isEmpty() && samples.get(samples.size() - 1)[1] == History.STALE_NAN_BITS;
        }
    }

    /**
     * A value of series {@code k} at step {@code s}, of kind {@code kind}: integers near and far from each other,
     * what the compact int storage cannot hold (fractions, NaN, -0.0, infinities, integers beyond 2^53, spans wider
     * than an int), and values that stay the same for a while or for ever, so that the three storages (constant,
     * int offsets, raw bits) and the switches between them are covered.
     */
    private static double value(int kind, int s, int k) {
        switch (kind) {
            case 0: return s * 10 + k;
            case 1: return 1e15 + s;
            case 2: return s % 2 == 0 ? 0 : 3_000_000_000.0 * (s + 1);
            case 3: return s + 0.5;
            case 4: return Double.NaN;
            case 5: return -0.0;
            case 6: return s % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 7: return -(s * 7.0) - k;
            case 8: return 9_007_199_254_740_994.0 + 2 * s;
            case 9: return -1e18;
            case 10: return k * 1_000_000_000.0 - s;
            case 11: return Integer.MAX_VALUE + (double) s;
            case 12: return 42 + k; // constant: no value array
            case 13: return 0.5 * (k + 1); // a constant fraction
            case 14: return s / 4; // flat for four steps at a time
            default: return s / 3 % 2 == 0 ? 7 : 7.25; // runs of an integer and of a fraction
        }
    }

    /**
     * Each step is an evaluation: a time move (mostly +5 s; sometimes the same time or 10 s back) and, for each of
     * five series, whether it is present, absent or held; the values come from {@link #value} in the order
     * {@code kinds} gives (mostly near integers, as a counter's, in the first third of the examples).
     */
    @Test
    void denseSeriesHoldWhatAModelHolds() {
        qt().withExamples(1500).forAll(
                lists().of(integers().between(0, 3 * 3 * 3 * 3 * 3 * 8 - 1)).ofSizeBetween(1, 60),
                integers().between(0, 3),
                lists().of(integers().between(0, 15)).ofSizeBetween(1, 12))
                .checkAssert((steps, retentionChoice, kinds) -> {
                    long retention = new long[] {3_600_000, 60_000, 20_000, 5_000}[retentionChoice];
                    History h = new History();
                    h.configure(retention, Set.of("m"), false);
                    Map<Integer, Model> model = new HashMap<>();
                    long t = 1_000_000;
                    int step = 0;
                    for (int code : steps) {
                        int move = code % 8;
                        int presence = code / 8;
                        t += move == 0 ? 0 : move == 1 ? -10_000 : 5_000;
                        TestContext c = new TestContext(Instant.ofEpochMilli(t));
                        List<Integer> present = new ArrayList<>();
                        for (int k = 0; k < SERIES; k++) {
                            int p = presence % 3;
                            presence /= 3;
                            if (p == 0) {
                                continue; // absent
                            }
                            double v = value(kinds.get((step * SERIES + k) % kinds.size()), step, k);
                            c.add(Sample.of("m", v, "k", String.valueOf(k)), p == 2);
                            Model m = model.computeIfAbsent(k, x -> new Model());
                            if (m.lastSeen != t) {
                                m.held = false; // a new evaluation time: held only if held in it
                            }
                            m.lastSeen = t;
                            if (p == 2) {
                                m.held = true;
                            }
                            if (p == 1) {
                                m.append(t, Double.doubleToRawLongBits(v));
                            }
                            present.add(k);
                        }
                        h.record(t, c);
                        // what record does after appending: markers for the series that disappeared, then expiry
                        long minTime = t - retention;
                        long slack = retention / History.EXPIRY_SLACK_DIVISOR;
                        for (var it = model.entrySet().iterator(); it.hasNext(); ) {
                            Model m = it.next().getValue();
                            if (m.lastSeen < t && m.lastSeen >= 0 && !m.lastIsStale()) {
                                m.append(t, History.STALE_NAN_BITS);
                            }
                            if (m.lastSeen < minTime) {
                                it.remove();
                                continue;
                            }
                            // a held series keeps the range before its last sample (read as of it while held)
                            long keepFrom = m.held && m.lastSeen == t && !m.samples.isEmpty()
                                    ? Math.min(minTime, m.samples.get(m.samples.size() - 1)[0] - retention) : minTime;
                            if (!m.samples.isEmpty() && m.samples.get(0)[0] < keepFrom - slack) {
                                m.samples.removeIf(s -> s[0] < keepFrom);
                            }
                        }
                        step++;
                        check(h, model, t);
                    }
                });
    }

    private static void check(History h, Map<Integer, Model> model, long now) {
        Map<String, History.Series> byK = new HashMap<>();
        h.series("m").forEach(s -> byK.put(s.labels().get("k"), s));
        assertThat(byK.keySet()).as("series kept at %d", now).hasSameElementsAs(
                model.keySet().stream().map(String::valueOf).toList());
        for (Map.Entry<Integer, Model> e : model.entrySet()) {
            History.Series s = byK.get(String.valueOf(e.getKey()));
            List<long[]> want = e.getValue().samples;
            assertThat(s.size()).as("size of series %s at %d", e.getKey(), now).isEqualTo(want.size());
            assertThat(s.heldAt(now)).as("held at %d", now)
                    .isEqualTo(e.getValue().held && e.getValue().lastSeen == now);
            for (int i = 0; i < want.size(); i++) {
                assertThat(s.time(i)).as("time %d of series %s at %d", i, e.getKey(), now).isEqualTo(want.get(i)[0]);
                assertThat(Double.doubleToRawLongBits(s.value(i))).isEqualTo(want.get(i)[1]);
                assertThat(s.isStale(i)).isEqualTo(want.get(i)[1] == History.STALE_NAN_BITS);
            }
            for (long probe = now - 40_000; probe <= now + 5_000; probe += 2_500) {
                int expected = 0;
                while (expected < want.size() && want.get(expected)[0] < probe) {
                    expected++;
                }
                assertThat(s.firstAtOrAfter(probe)).isEqualTo(expected);
                // the window a range function loads: the non-stale samples in [probe, probe + 20 s]
                RangeFunctions.Window w = new RangeFunctions.Window();
                boolean any = w.load(s, probe, probe + 20_000);
                List<long[]> in = new ArrayList<>();
                for (long[] x : want) {
                    if (x[0] >= probe && x[0] <= probe + 20_000 && x[1] != History.STALE_NAN_BITS) {
                        in.add(x);
                    }
                }
                assertThat(any).isEqualTo(!in.isEmpty());
                assertThat(w.n).isEqualTo(in.size());
                for (int i = 0; i < in.size(); i++) {
                    assertThat(w.t[i]).isEqualTo(in.get(i)[0]);
                    assertThat(Double.doubleToRawLongBits(w.v[i])).isEqualTo(in.get(i)[1]);
                }
            }
        }
        // the shared times start at the oldest time a dense series reads (only the last one stays without any)
        long oldestDense = byK.values().stream().filter(x -> x.isDense() && x.size() > 0).mapToLong(x -> x.time(0))
                .min().orElse(Long.MAX_VALUE);
        if (oldestDense == Long.MAX_VALUE) {
            assertThat(h.sharedTimes("m")).as("shared times at %d", now).isLessThanOrEqualTo(1);
        } else {
            assertThat(h.sharedOldestTime("m")).as("oldest shared time at %d", now).isEqualTo(oldestDense);
        }
    }

    @Test
    void seriesAreFoundByLabelsAndKeptInInsertionOrderAcrossRemovals() {
        History h = new History();
        h.configure(20_000, Set.of("m"), false);
        int n = 1_000;
        // every series for three evaluations, then every third one is gone for good
        for (int step = 0; step < 12; step++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * step));
            List<Integer> ks = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                if (step < 3 || k % 3 != 0) {
                    ks.add(k);
                }
            }
            // another order and new label objects at each step: recorded by look-up, not by position
            java.util.Collections.shuffle(ks, new java.util.Random(step));
            for (int k : ks) {
                c.add(Sample.of("m", 1_000 * k + step, "k", String.valueOf(k)));
            }
            h.record(5_000L * step, c);
        }
        List<String> order = new ArrayList<>();
        h.series("m").forEach(s -> order.add(s.labels().get("k")));
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (k % 3 != 0) {
                expected.add(String.valueOf(k));
            }
        }
        // the order of the first evaluation's shuffle, without the removed series
        List<String> firstOrder = new ArrayList<>();
        List<Integer> first = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            first.add(k);
        }
        java.util.Collections.shuffle(first, new java.util.Random(0));
        for (int k : first) {
            if (k % 3 != 0) {
                firstOrder.add(String.valueOf(k));
            }
        }
        assertThat(order).as("insertion order, removed series dropped").isEqualTo(firstOrder);
        assertThat(h.seriesCount()).isEqualTo(expected.size());
        for (History.Series s : h.series("m")) {
            int k = Integer.parseInt(s.labels().get("k"));
            assertThat(s.value(s.size() - 1)).isEqualTo(1_000.0 * k + 11);
            assertThat(s.size()).as("20 s at 5 s, plus at most an eighth").isBetween(5, 6);
        }
    }

    @Test
    void aCounterAtTheSampleCapReBasesRarely() {
        History.Series s = new History.Series(Labels.of("__name__", "c"));
        long before = History.Series.rebases;
        int n = History.MAX_SAMPLES_PER_SERIES * 5 / 2;
        for (int i = 0; i < n; i++) {
            // the kept 100,000 samples span just under 2^31: the oldest is dropped at every append
            s.append(1_000L * i, 21_474.0 * i);
        }
        assertThat(s.isCompact()).isTrue();
        assertThat(s.size()).isEqualTo(History.MAX_SAMPLES_PER_SERIES);
        assertThat(s.value(s.size() - 1)).isEqualTo(21_474.0 * (n - 1));
        assertThat(s.value(0)).isEqualTo(21_474.0 * (n - History.MAX_SAMPLES_PER_SERIES));
        assertThat(History.Series.rebases - before).as("re-bases (each scans the kept samples)").isLessThan(10);
    }

    @Test
    void aFlatSeriesKeepsNoValueArrayUntilItMovesAndAgainOnceTheMoveHasExpired() {
        History h = new History();
        h.configure(20_000, Set.of("m"), false);
        for (int i = 0; i < 40; i++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            c.add(Sample.of("m", i == 10 ? 3 : 0, "k", "blip")); // one different value at 50 s
            c.add(Sample.of("m", 0.25, "k", "fraction"));
            if (i != 20) {
                c.add(Sample.of("m", 7, "k", "gone-once")); // a staleness marker at 100 s
            }
            h.record(5_000L * i, c);
            History.Series blip = find(h, "blip");
            boolean blipKept = blip.time(0) <= 50_000;
            assertThat(blip.isConstant()).as("blip at %d s", 5 * i).isEqualTo(!blipKept || i < 10);
            assertThat(find(h, "fraction").isConstant()).isTrue();
        }
        History.Series blip = find(h, "blip");
        assertThat(blip.value(blip.size() - 1)).isZero();
        History.Series fraction = find(h, "fraction");
        for (int i = 0; i < fraction.size(); i++) {
            assertThat(fraction.value(i)).isEqualTo(0.25);
            assertThat(fraction.time(i)).isEqualTo(195_000 - 5_000L * (fraction.size() - 1 - i));
        }
        RangeFunctions.Window w = new RangeFunctions.Window();
        assertThat(w.load(fraction, 180_000, 190_000)).isTrue();
        assertThat(w.n).isEqualTo(3);
        assertThat(w.v[0]).isEqualTo(0.25);
        assertThat(w.t[2]).isEqualTo(190_000);
        History.Series gone = find(h, "gone-once");
        assertThat(gone.isConstant()).as("the marker expired").isTrue();
        assertThat(gone.isDense()).as("its marker took its evaluation's shared time").isTrue();
    }

    @Test
    void aConstantSeriesThatGoesStaleKeepsItsMarkerAndItsValues() {
        History h = new History();
        h.configure(60_000, Set.of("m"), false);
        for (int i = 0; i < 5; i++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            if (i < 3) {
                c.add(Sample.of("m", Double.NaN, "k", "nan"));
                c.add(Sample.of("m", -0.0, "k", "negative-zero"));
                c.add(Sample.of("m", 1e300, "k", "huge"));
            }
            h.record(5_000L * i, c);
        }
        for (String k : List.of("nan", "negative-zero", "huge")) {
            History.Series s = find(h, k);
            assertThat(s.size()).as(k).isEqualTo(4);
            assertThat(s.isConstant()).isFalse();
            assertThat(s.isStale(3)).isTrue();
            assertThat(s.isStale(2)).isFalse();
        }
        assertThat(Double.doubleToRawLongBits(find(h, "negative-zero").value(0)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(find(h, "nan").value(2)).isNaN();
        assertThat(find(h, "huge").value(1)).isEqualTo(1e300);
    }

    @Test
    void aConstantSeriesAtTheSampleCapKeepsSmallIndexesAndItsTimes() {
        History.Series s = new History.Series(Labels.of("__name__", "c"), new History.Times());
        int n = History.MAX_SAMPLES_PER_SERIES * 12;
        for (int i = 0; i < n; i++) {
            s.append(1_000L * i, 5.0);
        }
        assertThat(s.isConstant()).isTrue();
        assertThat(s.size()).isEqualTo(History.MAX_SAMPLES_PER_SERIES);
        assertThat(s.time(0)).isEqualTo(1_000L * (n - History.MAX_SAMPLES_PER_SERIES));
        assertThat(s.firstAtOrAfter(1_000L * (n - 10))).isEqualTo(History.MAX_SAMPLES_PER_SERIES - 10);
        s.append(1_000L * n, 6.0);
        assertThat(s.isConstant()).isFalse();
        assertThat(s.value(s.size() - 1)).isEqualTo(6.0);
        assertThat(s.value(s.size() - 2)).isEqualTo(5.0);
        assertThat(s.time(s.size() - 1)).isEqualTo(1_000L * n);
        assertThat(s.time(0)).isEqualTo(1_000L * (n + 1 - History.MAX_SAMPLES_PER_SERIES));
    }

    @Test
    void theIndexByLabelsIsDroppedWhileUnusedAndRebuiltWhenTheOrderChanges() {
        History h = new History();
        h.configure(120_000, Set.of("m"), false);
        Map<String, Integer> ids = Map.of("a", 1, "b", 2, "c", 3, "d", 4, "e", 5, "new", 6);
        List<String> keys = new ArrayList<>(List.of("a", "b", "c", "d", "e"));
        for (int i = 0; i < 16; i++) {
            if (i == 8) {
                java.util.Collections.reverse(keys); // every position now holds another series
            }
            if (i == 11) {
                keys.add(2, "new");
            }
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            for (String k : keys) {
                c.add(Sample.of("m", i * 100 + ids.get(k), "k", k));
            }
            h.record(5_000L * i, c);
            if (i == 6) {
                assertThat(h.indexed("m")).as("not looked up since the first evaluation").isFalse();
            } else if (i == 8 || i == 11) {
                assertThat(h.indexed("m")).as("rebuilt at %d", i).isTrue();
            }
        }
        assertThat(h.indexed("m")).as("the order is stable again").isFalse();
        for (String k : keys) {
            History.Series s = find(h, k);
            int first = k.equals("new") ? 11 : 0;
            assertThat(s.size()).as(k).isEqualTo(16 - first);
            for (int j = 0; j < s.size(); j++) {
                assertThat(s.value(j)).as("%s at %d", k, j).isEqualTo((first + j) * 100.0 + ids.get(k));
            }
        }
        h.recordRaw(Labels.of("__name__", "m", "k", "raw"), 80_000, 1, false);
        assertThat(h.indexed("m")).as("a look-up by labels builds it").isTrue();
        assertThat(h.seriesCount()).isEqualTo(7);
    }

    @Test
    void aRememberedRangeResultIsFoundUnderItsStampUntilTheTimeOrTheSamplesChange() {
        History h = new History();
        Object stamp = h.memoStamp(List.of("rate", 60_000L), 5_000);
        assertThat(h.memoStamp(List.of("rate", 60_000L), 5_000)).as("an equal key, the same time").isSameAs(stamp);
        assertThat(h.memoStamp(List.of("increase", 60_000L), 5_000)).isNotSameAs(stamp);
        assertThat(History.empty().memoStamp("k", 5_000)).isNull();

        History.Series s = new History.Series(Labels.of("__name__", "c"), new History.Times());
        s.append(0, 1.0);
        assertThat(s.hasMemo(stamp)).isFalse();
        assertThat(s.hasMemo(null)).isFalse();
        s.remember(stamp, true, 2.5);
        assertThat(s.hasMemo(stamp)).isTrue();
        assertThat(s.memoHasValue()).isTrue();
        assertThat(s.memoValue()).isEqualTo(2.5);
        s.remember(stamp, false, 0);
        assertThat(s.memoHasValue()).isFalse();
        s.append(1_000, 2.0);
        assertThat(s.hasMemo(stamp)).as("after an append").isFalse();

        s.remember(stamp, true, 3);
        Object later = h.memoStamp(List.of("rate", 60_000L), 10_000);
        assertThat(later).isNotSameAs(stamp);
        assertThat(s.hasMemo(later)).as("another evaluation time").isFalse();
        assertThat(h.memoStamp(List.of("rate", 60_000L), 5_000)).as("asked again at the first time: a new stamp")
                .isNotSameAs(stamp);
        s.set(History.Series.HELD, true);
        assertThat(s.memoHasValue()).as("the flags are independent").isTrue();
        assertThat(s.is(History.Series.HELD)).isTrue();
    }

    @Test
    void arraysHandedOutStayAsTheyWereWhenSeriesComeAndGo() {
        History h = new History();
        h.configure(20_000, Set.of("m"), false);
        Object all = new Object();
        Object onlyA = new Object();
        java.util.function.Predicate<Labels> isA = l -> l.get("k").equals("a");
        History.Series[] first = null;
        History.Series[] beforeRemoval = null;
        History.Series[] aBeforeRemoval = null;
        for (int i = 0; i <= 6; i++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            if (i == 0) {
                c.add(Sample.of("m", 1, "k", "a")); // then gone: a marker at 5 s, removed at 25 s
            }
            c.add(Sample.of("m", 2, "k", "b"));
            if (i > 0) {
                c.add(Sample.of("m", 3, "k", "c"));
            }
            h.record(5_000L * i, c);
            if (i == 0) {
                first = h.matching("m", all, l -> true);
            } else if (i == 2) {
                beforeRemoval = h.matching("m", all, l -> true);
                aBeforeRemoval = h.matching("m", onlyA, isA);
            }
        }
        assertThat(keys(first)).containsExactly("a", "b");
        assertThat(keys(beforeRemoval)).containsExactly("a", "b", "c");
        assertThat(keys(aBeforeRemoval)).containsExactly("a");
        assertThat(keys(h.matching("m", all, l -> true))).containsExactly("b", "c");
        assertThat(h.matching("m", onlyA, isA)).isEmpty();
        List<String> listed = new ArrayList<>();
        h.series("m").forEach(x -> listed.add(x.labels().get("k")));
        assertThat(listed).containsExactly("b", "c");
    }

    private static List<String> keys(History.Series[] series) {
        List<String> out = new ArrayList<>();
        for (History.Series x : series) {
            out.add(x.labels().get("k"));
        }
        return out;
    }

    @Test
    void aSeriesRemovedAndSeenAgainStartsAfreshAndARawRecordClearsTheHeldFlag() {
        History h = new History();
        h.configure(20_000, Set.of("m"), false);
        TestContext c = new TestContext(Instant.ofEpochSecond(0));
        c.add(Sample.of("m", 1, "k", "a"));
        h.record(0, c);
        for (int i = 1; i <= 6; i++) {
            h.record(5_000L * i, new TestContext(Instant.ofEpochSecond(5L * i))); // gone: marker, then removed
        }
        assertThat(h.seriesCount()).isZero();
        TestContext again = new TestContext(Instant.ofEpochSecond(35));
        again.add(Sample.of("m", 7, "k", "a"));
        h.record(35_000, again);
        History.Series s = find(h, "a");
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.value(0)).isEqualTo(7.0);

        TestContext held = new TestContext(Instant.ofEpochSecond(40));
        held.add(Sample.of("m", 8, "k", "a"), true);
        h.record(40_000, held);
        assertThat(s.heldAt(40_000)).isTrue();
        h.recordRaw(s.labels(), 45_000, 9, false);
        assertThat(s.heldAt(45_000)).as("a raw sample later than the held one").isFalse();
    }

    @Test
    void integerValuesAreHeldCompactEvenWhenTheyOutgrowAnIntAndOthersRaw() {
        History h = new History();
        h.configure(60_000, Set.of("m"), false);
        for (int i = 0; i < 100; i++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            // a fast counter: 10^10 over the run, 1.3 * 10^9 within the retention
            c.add(Sample.of("m", 100_000_000.0 * i, "k", "fast"));
            c.add(Sample.of("m", i == 50 ? 0.25 : i, "k", "once-a-fraction"));
            h.record(5_000L * i, c);
        }
        History.Series fast = find(h, "fast");
        assertThat(fast.isCompact()).as("re-based as it grew").isTrue();
        assertThat(fast.value(fast.size() - 1)).isEqualTo(9_900_000_000.0);
        assertThat(fast.value(0)).isEqualTo(100_000_000.0 * (100 - fast.size()));
        History.Series mixed = find(h, "once-a-fraction");
        assertThat(mixed.isCompact()).as("raw since the fraction, which has expired, until it empties").isFalse();
        assertThat(mixed.value(mixed.size() - 1)).isEqualTo(99.0);
        for (int i = 0; i < mixed.size(); i++) {
            assertThat(mixed.value(i)).isEqualTo(100.0 - mixed.size() + i);
        }
    }

    @Test
    void seriesSeenAtEveryEvaluationShareTheirTimesAndAGapGivesASeriesItsOwn() {
        History h = new History();
        h.configure(60_000, Set.of("m"), false);
        for (int i = 0; i < 30; i++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            c.add(Sample.of("m", i, "k", "always"));
            if (i < 10 || i >= 12) {
                // absent at 50 s (its staleness marker takes that time) and at 55 s (a time without a sample)
                c.add(Sample.of("m", i, "k", "gap"));
            }
            h.record(5_000L * i, c);
            if (i == 11) {
                assertThat(find(h, "gap").isDense()).as("the marker at 50 s keeps it dense").isTrue();
            } else if (i >= 12 && i < 24) {
                assertThat(find(h, "gap").isDense()).as("with its gap at 55 s, at %d s", 5 * i).isFalse();
            }
        }
        Map<String, History.Series> byK = new HashMap<>();
        h.series("m").forEach(s -> byK.put(s.labels().get("k"), s));
        assertThat(byK.get("always").isDense()).isTrue();
        assertThat(byK.get("gap").isDense()).as("the gap has expired").isTrue();
        // 60 s of retention at a 5 s step, plus at most an eighth more: the shared times follow the retention
        History.Series always = byK.get("always");
        assertThat(always.size()).isBetween(13, 15);
        assertThat(always.time(always.size() - 1)).isEqualTo(145_000);
        assertThat(always.time(0)).isGreaterThanOrEqualTo(145_000 - 60_000 - 7_500);
        History.Series gap = byK.get("gap");
        assertThat(gap.time(gap.size() - 1)).isEqualTo(145_000);
        assertThat(gap.value(gap.size() - 1)).isEqualTo(29.0);
    }

    @Test
    void sharedTimesKeepWhatTheOldestDenseSeriesNeedsAndNoMore() {
        History.Times times = new History.Times();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seqs.add(times.seqOf(1_000L * i));
        }
        assertThat(times.seqOf(199_000L)).as("the same time: the same number").isEqualTo(seqs.get(199));
        assertThat(times.seqOf(5_000L)).as("an earlier time has none").isEqualTo(-1);
        times.dropBefore(seqs.get(190));
        assertThat(times.size()).isEqualTo(10);
        for (int i = 190; i < 200; i++) {
            assertThat(times.at(seqs.get(i))).isEqualTo(1_000L * i);
        }
        long next = times.seqOf(200_000L);
        assertThat(next).isEqualTo(seqs.get(199) + 1);
        assertThat(times.at(next)).isEqualTo(200_000L);
        assertThat(times.at(seqs.get(190))).isEqualTo(190_000L);
    }

    @Test
    void aSeriesWhoseGapHasExpiredSharesTheTimesAgain() {
        History h = new History();
        h.configure(30_000, Set.of("m"), false);
        for (int i = 0; i < 40; i++) {
            TestContext c = new TestContext(Instant.ofEpochSecond(5L * i));
            c.add(Sample.of("m", i, "k", "always"));
            if (i != 10 && i != 11) {
                c.add(Sample.of("m", i, "k", "once-missing")); // a staleness marker at 50 s, nothing at 55 s
            }
            h.record(5_000L * i, c);
            History.Series s = find(h, "once-missing");
            if (i == 12) {
                assertThat(s.isDense()).as("just after its gap").isFalse();
            }
        }
        History.Series s = find(h, "once-missing");
        assertThat(s.isDense()).as("30 s later the gap and its staleness marker have expired").isTrue();
        History.Series always = find(h, "always");
        assertThat(s.size()).isEqualTo(always.size());
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.time(i)).isEqualTo(always.time(i));
            assertThat(s.value(i)).isEqualTo(always.value(i));
        }
    }

    @Test
    void recordedAndRawSeriesOfTheSameNameKeepTheirOwnTimes() {
        History h = new History();
        h.configure(60_000, Set.of("m"), false);
        for (int i = 0; i < 20; i++) {
            long t = 5_000L * i;
            h.record(t, new TestContext(Instant.ofEpochMilli(t)).add(Sample.of("m", i, "k", "source"), false));
            h.appendRecorded(Labels.of("__name__", "m", "k", "rule"), t, 100 + i, false);
            if (i % 3 == 0) {
                h.recordRaw(Labels.of("__name__", "m", "k", "raw"), t - 1_234, i, false);
            }
        }
        h.markRecordedStale(Labels.of("__name__", "m", "k", "rule"), 100_000);
        assertThat(find(h, "source").isDense()).isTrue();
        assertThat(find(h, "rule").isDense()).isFalse();
        assertThat(find(h, "raw").isDense()).isFalse();
        History.Series raw = find(h, "raw");
        assertThat(raw.time(raw.size() - 1)).isEqualTo(5_000L * 18 - 1_234);
        History.Series rule = find(h, "rule");
        assertThat(rule.isStale(rule.size() - 1)).isTrue();
        assertThat(rule.time(rule.size() - 1)).isEqualTo(100_000);
        History.Series source = find(h, "source");
        assertThat(source.time(source.size() - 1)).isEqualTo(95_000);
        assertThat(source.value(source.size() - 1)).isEqualTo(19.0);
        assertThat(h.sharedTimes("m")).isEqualTo(source.size());
    }

    @Test
    void sharedTimesShrinkWhenTheRetentionDoes() {
        History h = new History();
        h.configure(600_000, Set.of("m"), false);
        int i = 0;
        for (; i < 150; i++) {
            h.record(5_000L * i, new TestContext(Instant.ofEpochSecond(5L * i)).add(Sample.of("m", i, "k", "m"), false));
        }
        assertThat(h.sharedTimes("m")).isGreaterThan(100);
        h.configure(20_000, Set.of("m"), false);
        for (; i < 153; i++) {
            h.record(5_000L * i, new TestContext(Instant.ofEpochSecond(5L * i)).add(Sample.of("m", i, "k", "m"), false));
        }
        History.Series s = find(h, "m");
        assertThat(s.isDense()).isTrue();
        assertThat(h.sharedTimes("m")).isEqualTo(s.size()).isLessThanOrEqualTo(6);
        for (int k = 0; k < s.size(); k++) {
            long t = s.time(k);
            assertThat(s.value(k)).isEqualTo(t / 5_000.0);
        }
        assertThat(s.time(s.size() - 1)).isEqualTo(5_000L * 152);
    }

    private static History.Series find(History h, String k) {
        for (History.Series s : h.series("m")) {
            if (k.equals(s.labels().get("k"))) {
                return s;
            }
        }
        throw new AssertionError("no series " + k);
    }
}
