package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How a rule-file group's interval paces its rules between the evaluator's own evaluations. */
class PaceTest {

    /**
     * Evaluations every {@code e} ms, each up to a quarter of {@code e} early or late, and a group interval of
     * {@code m * e}: the group runs at exactly every m-th evaluation, from the first, without drifting.
     */
    @Test
    void aGroupRunsAtEveryMthEvaluationWhateverTheJitter() {
        qt().withExamples(500).forAll(
                integers().between(1, 12),
                integers().between(4, 60_000),
                lists().of(integers().between(-1_000, 1_000)).ofSizeBetween(1, 200))
                .checkAssert((m, e, jitters) -> {
                    Pace pace = new Pace((long) m * e);
                    List<Integer> runs = new ArrayList<>();
                    List<Integer> expected = new ArrayList<>();
                    for (int k = 0; k < jitters.size(); k++) {
                        // strictly less than a quarter of e either way
                        long jitter = (long) jitters.get(k) * (e / 4 - 1) / 1_000;
                        long t = 1_700_000_000_000L + (long) k * e + jitter;
                        if (pace.due(t, e)) {
                            runs.add(k);
                        }
                        if (k % m == 0) {
                            expected.add(k);
                        }
                    }
                    assertThat(runs).isEqualTo(expected);
                });
    }

    @Test
    void withoutAnIntervalEveryEvaluationRunsAndAClockSteppedBackRunsAtOnce() {
        Pace every = new Pace(0);
        assertThat(every.due(1_000, 5_000)).isTrue();
        assertThat(every.due(1_000, 5_000)).isTrue();
        Pace minute = new Pace(60_000);
        assertThat(minute.due(100_000, 5_000)).isTrue();
        assertThat(minute.due(105_000, 5_000)).isFalse();
        assertThat(minute.due(90_000, 5_000)).as("earlier than the last run").isTrue();
        assertThat(minute.due(147_500, 5_000)).as("57.5 s after: within the forgiven 2.5 s").isTrue();
        // an evaluator slower than the group: the group runs at every evaluation, no more often
        Pace fast = new Pace(10_000);
        assertThat(fast.due(0, 60_000)).isTrue();
        assertThat(fast.due(5_000, 60_000)).as("half the group's interval at most is forgiven").isTrue();
        assertThat(fast.due(9_000, 60_000)).isFalse();
    }
}
