package dev.tocsin.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.rules.RecordingRule;
import dev.tocsin.core.testing.TestSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "A failed scrape is not a recovery" for rules over ranges: while a source is held, its series' ranges (and those of
 * the series recorded from them) are read as at the evaluation of their last real sample, so their alerts hold.
 */
class HeldRangeTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * A rule that fired on a +2 step (2.00003, see HistoryTest) holds when the source fails: the window moves back as
     * a whole to the last good evaluation, not to the last sample's time (1 ms earlier), which would hold 61 samples
     * spanning exactly 60 s and give exactly 2, resolving the alert on the first failed read.
     */
    @Test
    void heldIncreaseKeepsItsValue() {
        TestSource source = new TestSource("lb1:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofSeconds(1))
                .rule(Rule.alert("HealthcheckFailure").expr("increase(chk_total[1m]) > 2").build()).build()) {
            int i = 0;
            for (; i <= 90; i++) {
                source.set(Sample.of("chk_total", i < 70 ? 0 : i == 70 ? 1 : 2));
                ev.evaluate(T0.plusSeconds(i));
            }
            assertThat(ev.alerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
            source.fail(new IllegalStateException("connection refused"));
            List<Alert> t = ev.evaluate(T0.plusSeconds(i));
            assertThat(t).as("a failed read is not a recovery").isEmpty();
            assertThat(ev.alerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
        }
    }

    /**
     * A recorded series computed from held input is held too, and keeps the range before its last real sample: its
     * held window neither empties from the start nor moves (the alert used to resolve 30 s into the outage).
     */
    @Test
    void heldRecordedSeriesKeepsItsWindow() {
        TestSource source = new TestSource("lb1:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofSeconds(10))
                .recordingRule(RecordingRule.of("r", "sum(x)"))
                .rule(Rule.alert("High").expr("avg_over_time(r[2m]) > 5").build()).build()) {
            int i = 0;
            for (; i <= 12; i++) {
                source.set(Sample.of("x", i < 2 ? 100 : 1));
                ev.evaluate(T0.plusSeconds(10L * i));
            }
            assertThat(ev.alerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
            source.fail(new IllegalStateException("connection refused"));
            for (; i <= 30; i++) { // three minutes down, within sourceStaleness
                assertThat(ev.evaluate(T0.plusSeconds(10L * i))).as("at %d s", 10 * i).isEmpty();
            }
            assertThat(ev.alerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
        }
    }

    /**
     * "After" reads increase(r[1m]) after the recording rule wrote r held: its window must be read as of r's last
     * real sample (120 s: [60 s, 120 s], 50, FIRING holds). "Before" computed the same range function (same memo key)
     * earlier in the evaluation, when r was not held yet ([70 s, 130 s]: 0); appendRecorded(held) does not forget the
     * memo, so After got 0, its held sample was filtered out and it resolved during the outage.
     */
    @Test
    void memoSeesTheHeldWindow() {
        TestSource source = new TestSource("lb1:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofSeconds(10))
                .rule(Rule.alert("Before").expr("increase(r[1m]) >= 0").build())
                .recordingRule(RecordingRule.of("r", "sum(c)"))
                .rule(Rule.alert("After").expr("increase(r[1m]) > 45").build()).build()) {
            int i = 0;
            for (; i <= 12; i++) {
                source.set(Sample.of("c", i < 7 ? 0 : 50));
                ev.evaluate(T0.plusSeconds(10L * i));
            }
            assertThat(ev.alerts()).filteredOn(a -> a.ruleName().equals("After"))
                    .singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
            source.fail(new IllegalStateException("down"));
            ev.evaluate(T0.plusSeconds(10L * i));
            assertThat(ev.alerts()).filteredOn(a -> a.ruleName().equals("After"))
                    .singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
        }
    }
}
