package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tocsin.core.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One series at a time against a list of (time, value bits) pairs: random appends (often repeating the last value, so
 * that the constant storage and its switches are exercised), staleness markers, times that repeat or go back, switches
 * between shared and own times ({@code makeSparse}, {@code tryDense}), expiry of the series and of the shared times,
 * and dense constant series whose indexes are pushed to where they are renumbered. Values include 0.0 and -0.0, two
 * NaN payloads, fractions and integers near and far. After every step the series' size, times, value bits, loaded
 * window and last-marker flag must be the model's.
 */
class HistorySeriesModelTest {
    private static final long[] VALS = {
        Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(5.0),
        Double.doubleToRawLongBits(0.5), 0x7ff8000000000000L, 0x7ff8000000000123L, History.STALE_NAN_BITS,
        Double.doubleToRawLongBits(1e15), Double.doubleToRawLongBits(-3e9), Double.doubleToRawLongBits(7.0)};

    @Test
    void aSeriesHoldsWhatAListModelHolds() {
        qt().withExamples(1000).forAll(longs().all()).checkAssert(HistorySeriesModelTest::run);
    }

    /** Runs 200 random steps from {@code seed} over three series sharing one {@link History.Times}. */
    private static void run(long seed) {
        Random r = new Random(seed);
        History.Times c = new History.Times();
        int nser = 3;
        History.Series[] ss = new History.Series[nser];
        List<List<long[]>> model = new ArrayList<>();
        for (int k = 0; k < nser; k++) {
            ss[k] = new History.Series(Labels.of("__name__", "m", "k", "" + k), r.nextInt(4) == 0 ? null : c);
            model.add(new ArrayList<>());
        }
        long t = 1000;
        int valSet = 1 + r.nextInt(VALS.length);
        for (int step = 0; step < 200; step++) {
            int op = r.nextInt(20);
            if (op == 0) {
                t -= 3000;
            } else if (op != 1) {
                t += 1000;
            }
            for (int k = 0; k < nser; k++) {
                History.Series s = ss[k];
                List<long[]> m = model.get(k);
                int a = r.nextInt(30);
                if (a < 22) {
                    long b = r.nextInt(3) > 0 && !m.isEmpty() ? m.get(m.size() - 1)[1] : VALS[r.nextInt(valSet)];
                    if (b == History.STALE_NAN_BITS) {
                        s.appendStale(t);
                    } else {
                        s.append(t, Double.longBitsToDouble(b));
                    }
                    if (m.isEmpty() || m.get(m.size() - 1)[0] < t) {
                        m.add(new long[] {t, b});
                    }
                } else if (a == 22) {
                    s.makeSparse();
                } else if (a == 23) {
                    s.tryDense(c);
                } else if (a == 24 || a == 25) {
                    long cut = t - r.nextInt(20_000);
                    s.dropBefore(cut);
                    m.removeIf(x -> x[0] < cut);
                }
                // a == else: absent
            }
            long oldest = Long.MAX_VALUE;
            for (History.Series s : ss) {
                oldest = Math.min(oldest, s.oldestSeq());
            }
            long last = c.lastSeq();
            if (last >= 0 && r.nextBoolean()) {
                c.dropBefore(Math.min(oldest, last));
            }
            for (int k = 0; k < nser; k++) {
                if (ss[k].isDense() && ss[k].isConstant() && r.nextInt(10) == 0) {
                    shift(ss[k], (1 << 20) - 1 - r.nextInt(3));
                }
                check(seed, step, k, ss[k], model.get(k));
            }
        }
    }

    /** Moves a dense constant series' indexes to start at {@code by} (as after many appends), keeping its samples. */
    private static void shift(History.Series s, int by) {
        try {
            var fs = History.Series.class.getDeclaredField("start");
            var fe = History.Series.class.getDeclaredField("end");
            var fq = History.Series.class.getDeclaredField("seq0");
            fs.setAccessible(true);
            fe.setAccessible(true);
            fq.setAccessible(true);
            int st = fs.getInt(s);
            int e = fe.getInt(s);
            long q = fq.getLong(s);
            int d = by - st;
            fs.setInt(s, st + d);
            fe.setInt(s, e + d);
            fq.setLong(s, q - d);
        } catch (ReflectiveOperationException x) {
            throw new AssertionError(x);
        }
    }

    private static void check(long seed, int step, int k, History.Series s, List<long[]> m) {
        String ctx = "seed " + seed + " step " + step + " series " + k;
        assertThat(s.size()).as(ctx).isEqualTo(m.size());
        for (int i = 0; i < m.size(); i++) {
            assertThat(s.time(i)).as(ctx + " time " + i).isEqualTo(m.get(i)[0]);
            assertThat(Double.doubleToRawLongBits(s.value(i))).as(ctx + " value " + i).isEqualTo(m.get(i)[1]);
        }
        if (!m.isEmpty()) {
            long from = m.get(0)[0] - 1;
            long to = m.get(m.size() - 1)[0];
            RangeFunctions.Window w = new RangeFunctions.Window();
            w.load(s, from, to);
            int n = 0;
            for (long[] x : m) {
                if (x[1] != History.STALE_NAN_BITS) {
                    assertThat(w.t[n]).as(ctx).isEqualTo(x[0]);
                    assertThat(Double.doubleToRawLongBits(w.v[n])).as(ctx).isEqualTo(x[1]);
                    n++;
                }
            }
            assertThat(w.n).as(ctx).isEqualTo(n);
            assertThat(s.lastIsStale()).as(ctx).isEqualTo(m.get(m.size() - 1)[1] == History.STALE_NAN_BITS);
        }
    }
}
