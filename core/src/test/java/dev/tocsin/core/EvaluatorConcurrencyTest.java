package dev.tocsin.core;

import dev.tocsin.core.testing.RecordingListener;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Rules added and removed and listeners throwing while the evaluator runs on its own thread. */
class EvaluatorConcurrencyTest {

    static Rule rule(String name) {
        return Rule.alert(name).condition(m -> m.series("x").stream().filter(s -> s.value() == 0)
                .collect(Collectors.toList())).build();
    }

    @Test
    void rulesChangeWhileRunningAndThrowingListenersDoNotStopEvaluation() throws Exception {
        TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
        RecordingListener recorder = new RecordingListener();
        ConcurrentLinkedQueue<Throwable> escaped = new ConcurrentLinkedQueue<>();
        Thread.UncaughtExceptionHandler old = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.add(e));
        try (Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofMillis(5))
                .listener(a -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(recorder)
                .rule(rule("Base"))
                .build()) {
            ev.start();
            AtomicBoolean stop = new AtomicBoolean();
            Thread mutator = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    String name = "R" + (i++ % 7);
                    ev.addRule(rule(name));
                    ev.alerts();
                    ev.removeRule(name);
                }
            });
            mutator.start();
            int before = source.collects();
            await().atMost(Duration.ofSeconds(20)).until(() -> source.collects() > before + 50);
            stop.set(true);
            mutator.join(10_000);
            assertThat(mutator.isAlive()).isFalse();
            // the base rule kept firing throughout; removed rules left no alerts behind
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ev.alerts()).extracting(Alert::ruleName).containsExactly("Base"));
            assertThat(recorder.events()).anySatisfy(a -> assertThat(a.ruleName()).isEqualTo("Base"));
            assertThat(ev.rules()).extracting(Rule::name).containsExactly("Base");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(old);
        }
        assertThat(escaped).isEmpty();
    }

    @Test
    void runsOnAGivenExecutorWhichItDoesNotShutDown() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        try {
            TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
            Evaluator ev = Evaluator.builder().source(source).executor(ex).interval(Duration.ofMillis(5))
                    .rule(rule("Base")).build();
            ev.start();
            assertThatThrownBy(ev::start).isInstanceOf(IllegalStateException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> source.collects() > 3);
            ev.close();
            assertThat(ex.isShutdown()).isFalse();
            int after = source.collects();
            // closed: no further evaluations are scheduled
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                    .until(() -> source.collects() <= after + 1);
            assertThatThrownBy(ev::start).isInstanceOf(IllegalStateException.class);
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void closeClosesNotifiersOnce() {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Notifier n = new Notifier() {
            @Override
            public void accept(Notification notification) {
                calls.add("accept");
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        Evaluator ev = Evaluator.builder().notifier(n).build();
        ev.evaluate(java.time.Instant.EPOCH);
        ev.close();
        ev.close();
        assertThat(calls).containsExactly("accept", "close");
    }

    @Test
    void closingFromAListenerReturnsPromptly() {
        TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
        java.util.concurrent.atomic.AtomicLong closeMillis = new java.util.concurrent.atomic.AtomicLong(-1);
        Evaluator[] self = new Evaluator[1];
        self[0] = Evaluator.builder().source(source).interval(Duration.ofMillis(10)).rule(rule("Base"))
                .listener(a -> {
                    long start = System.nanoTime();
                    self[0].close();
                    closeMillis.set((System.nanoTime() - start) / 1_000_000);
                }).build();
        self[0].start();
        await().atMost(Duration.ofSeconds(20)).until(() -> closeMillis.get() >= 0);
        assertThat(closeMillis.get()).as("close() from the evaluator's own thread must not wait for itself")
                .isLessThan(5_000);
    }

    /**
     * Started, the evaluator evaluates at whole intervals from its first evaluation (as Prometheus' rule groups), so an
     * alert's {@code for} is met at exactly a multiple of the interval after it became pending: with the wall-clock
     * time of each timer tick it fired one interval late whenever a tick read the clock a little early.
     */
    @Test
    void scheduledEvaluationsRunOnAGridOfWholeIntervals() {
        TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
        RecordingListener recorder = new RecordingListener();
        Duration interval = Duration.ofMillis(20);
        Rule rule = Rule.alert("Grid").condition(m -> m.series("x").stream().filter(s -> s.value() == 0)
                .collect(Collectors.toList())).forDuration(Duration.ofMillis(100)).build();
        try (Evaluator ev = Evaluator.builder().source(source).interval(interval).listener(recorder).rule(rule)
                .build()) {
            ev.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events().stream()
                    .anyMatch(a -> a.state() == AlertState.FIRING));
        }
        Alert fired = recorder.events().stream().filter(a -> a.state() == AlertState.FIRING).findFirst().orElseThrow();
        long nanos = Duration.between(fired.activeAt(), fired.firedAt().orElseThrow()).toNanos();
        assertThat(nanos % interval.toNanos()).as("whole intervals after it became pending").isZero();
        assertThat(nanos).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void aClockThatFailsOnceDoesNotStopScheduledEvaluations() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.time.Clock flaky = new java.time.Clock() {
            @Override
            public java.time.Instant instant() {
                if (calls.incrementAndGet() == 2) {
                    throw new IllegalStateException("clock hiccup");
                }
                return java.time.Instant.now();
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
        try (Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofMillis(10)).clock(flaky)
                .rule(rule("Base")).build()) {
            ev.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> source.collects() >= 5);
        }
        assertThat(calls.get()).isGreaterThan(2);
    }

    /** With a frozen clock (a test's), scheduled evaluations keep running and their time never goes back. */
    @Test
    void aFrozenClockKeepsEvaluatingAtItsTime() {
        java.time.Instant t = java.time.Instant.parse("2026-11-27T12:00:00Z");
        TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
        RecordingListener recorder = new RecordingListener();
        try (Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofMillis(10))
                .clock(java.time.Clock.fixed(t, java.time.ZoneOffset.UTC)).listener(recorder)
                .rule(rule("Base")).build()) {
            ev.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> source.collects() >= 5);
        }
        assertThat(recorder.events()).isNotEmpty().allSatisfy(a -> assertThat(a.activeAt()).isEqualTo(t));
    }

    /** close() neither waits for nor runs the next tick, however far away it is. */
    @Test
    void closeDoesNotWaitForTheNextTick() {
        TestSource source = new TestSource("h:1", "j").set(Sample.of("x", 0));
        Evaluator ev = Evaluator.builder().source(source).interval(Duration.ofHours(1)).rule(rule("Base")).build();
        ev.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> source.collects() == 1);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), ev::close);
        assertThat(source.collects()).isEqualTo(1);
    }

    @Test
    void theIntervalIsBetweenOneMillisecondAndAYear() {
        assertThatThrownBy(() -> Evaluator.builder().interval(Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
        assertThatThrownBy(() -> Evaluator.builder().interval(Duration.ofDays(366)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 365 days");
        assertThatThrownBy(() -> Evaluator.builder().interval(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 365 days");
        Evaluator.builder().interval(Duration.ofMillis(1)).interval(Duration.ofDays(365));
    }
}
