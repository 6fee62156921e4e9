package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A range function result remembered for a held series (read as of its last real sample) must not be reused for the
 * same time once that time is in the past and the series no longer counts as held there.
 */
class HeldRangeMemoTest {

    private static final Labels X = Labels.of("__name__", "x");

    /** Records x at t - 1 ms for t = 5 s, 10 s, ..., held from heldFrom on (no sample appended then). */
    private static void feed(History h, long upTo, long heldFrom) {
        for (long t = 5_000; t <= upTo; t += 5_000) {
            h.record(t - 1, new TestContext(Instant.ofEpochMilli(t)).add(new Sample(X, t / 500.0), t >= heldFrom));
        }
    }

    private static double eval(Expression e, History h, long at) {
        Vector v = e.evaluate(new TestContext(Instant.ofEpochMilli(at)).withHistory(h));
        assertThat(v.size()).isEqualTo(1);
        return v.sample(0).value();
    }

    /**
     * A subquery step at the previous evaluation time: the previous evaluation remembered rate(x[1m]) there with the
     * held shift; the source is held again (no append, no forget), so this evaluation reuses it although the series is
     * no longer held at that time (a fresh history gives another value).
     */
    @Test
    void aSubqueryStepDoesNotReuseAResultRememberedWhileTheSeriesWasHeldThen() {
        String q = "max_over_time(rate(x[1m])[5s:5s])";
        Expression compiled = Expression.parse(q);
        History h = new History();
        h.configure(600_000, Set.of("x"), false);
        feed(h, 20_000, 20_000);
        eval(compiled, h, 20_000); // held at 20 s: rate read as of 15 s, remembered under (rate, 1m, 0) at 20 s
        h.record(24_999, new TestContext(Instant.ofEpochMilli(25_000)).add(new Sample(X, 50), true)); // held again
        double got = eval(compiled, h, 25_000);

        History fresh = new History();
        fresh.configure(600_000, Set.of("x"), false);
        feed(fresh, 25_000, 20_000);
        double want = eval(Expression.parse(q), fresh, 25_000);
        assertThat(got).as("%s at 25 s, reused vs fresh", q).isEqualTo(want);
    }
}
