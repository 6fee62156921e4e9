package dev.tocsin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tocsin.core.testing.TestSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What host code may do to an evaluator from its own threads and from inside its callbacks, and what errors of user
 * code (a StackOverflowError included) do to the other rules: found by a concurrency review, each failed before.
 */
class EvaluatorLifecycleTest {

    private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");

    private static RuleCondition overflow() {
        return m -> {
            throw new StackOverflowError("deep recursion in host code");
        };
    }

    /** Records accept() and close() in order. */
    private static final class RecordingNotifier implements Notifier {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final long closeMillis;

        RecordingNotifier(long closeMillis) {
            this.closeMillis = closeMillis;
        }

        @Override
        public void accept(Notification n) {
            calls.add("accept " + n.transitions().size());
        }

        @Override
        public void close() {
            try {
                Thread.sleep(closeMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.add("close");
        }
    }

    @Test
    void aStackOverflowInOneRuleOrListenerStopsNothingElse() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        List<String> heard = new CopyOnWriteArrayList<>();
        RecordingNotifier notifier = new RecordingNotifier(0);
        try (Evaluator ev = Evaluator.builder().source(source)
                .rule(Rule.alert("Deep").condition(overflow()).build())
                .rule(Rule.alert("Fine").expr("x > 0").build())
                .listener(a -> {
                    throw new StackOverflowError("listener");
                })
                .listener(a -> heard.add(a.ruleName() + " " + a.state()))
                .notifier(notifier).build()) {
            assertThat(ev.evaluate(T)).extracting(Alert::ruleName).containsExactly("Fine");
            assertThat(heard).containsExactly("Fine FIRING");
            assertThat(notifier.calls).containsExactly("accept 1");
        }
    }

    @Test
    void aSourceOrReadsThatOverflowIsThatPartsFailure() {
        MetricSource deep = new MetricSource() {
            @Override
            public String instance() {
                return "deep:1";
            }

            @Override
            public String job() {
                return "j";
            }

            @Override
            public List<Sample> collect() {
                throw new StackOverflowError("source");
            }
        };
        Rule badReads = new Rule() {
            @Override
            public String name() {
                return "BadReads";
            }

            @Override
            public List<Sample> evaluate(MetricsView metrics) {
                return List.of();
            }

            @Override
            public java.util.Optional<java.util.Set<String>> reads() {
                throw new NoClassDefFoundError("a class the host lost");
            }
        };
        try (Evaluator ev = Evaluator.builder().source(deep).rule(badReads)
                .rule(Rule.alert("SourceDown").expr("up == 0").build()).build()) {
            assertThat(ev.evaluate(T)).extracting(Alert::ruleName).containsExactly("SourceDown");
        }
    }

    @Test
    void aRuleAddedDuringAnEvaluationTakesPartFromTheNextOne() {
        AtomicReference<Evaluator> self = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        MetricSource adding = new MetricSource() {
            @Override
            public String instance() {
                return "a:1";
            }

            @Override
            public String job() {
                return "j";
            }

            @Override
            public List<Sample> collect(MetricInterest interest) {
                if (reads.getAndIncrement() == 0) {
                    self.get().addRule(Rule.alert("Added").expr("absent(backend_up)").build());
                }
                // as HaproxySource: only what the rules declared
                return interest.includes("backend_up") ? List.of(Sample.of("backend_up", 1)) : List.of();
            }

            @Override
            public List<Sample> collect() {
                return List.of(Sample.of("backend_up", 1));
            }
        };
        try (Evaluator ev = Evaluator.builder().source(adding).build()) {
            self.set(ev);
            // read without the new rule's metrics: evaluating it now would fire absent(backend_up) falsely
            assertThat(ev.evaluate(T)).isEmpty();
            assertThat(ev.evaluate(T.plusSeconds(5))).isEmpty();
        }
    }

    @Test
    void evaluateFromAListenerIsRefusedAndTheOuterEvaluationIsUndisturbed() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        AtomicReference<Evaluator> self = new AtomicReference<>();
        AtomicReference<Throwable> nested = new AtomicReference<>();
        RecordingNotifier notifier = new RecordingNotifier(0);
        try (Evaluator ev = Evaluator.builder().source(source).rule(Rule.alert("X").expr("x > 0").build())
                .listener(a -> {
                    try {
                        self.get().evaluate(T.plusSeconds(1));
                    } catch (RuntimeException e) {
                        nested.set(e);
                    }
                }).notifier(notifier).build()) {
            self.set(ev);
            ev.evaluate(T);
            assertThat(nested.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("evaluations do not nest");
            assertThat(notifier.calls).containsExactly("accept 1");
            assertThat(ev.lastEvaluation()).get().extracting(EvaluationStats::time).isEqualTo(T);
        }
    }

    @Test
    void closeFromAListenerLetsTheEvaluationNotifyFirst() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        AtomicReference<Evaluator> self = new AtomicReference<>();
        RecordingNotifier notifier = new RecordingNotifier(0);
        Evaluator ev = Evaluator.builder().source(source).rule(Rule.alert("X").expr("x > 0").build())
                .listener(a -> self.get().close()).notifier(notifier).build();
        self.set(ev);
        ev.evaluate(T);
        assertThat(notifier.calls).containsExactly("accept 1", "close");
        assertThatThrownBy(() -> ev.evaluate(T.plusSeconds(5))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSecondCloseReturnsOnlyOnceTheFirstHasClosedTheNotifiers() throws Exception {
        RecordingNotifier slow = new RecordingNotifier(300);
        Evaluator ev = Evaluator.builder().source(new TestSource("lb:8404", "haproxy")).notifier(slow).build();
        Thread first = new Thread(ev::close);
        first.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> first.getState() == Thread.State.TIMED_WAITING
                || slow.calls.contains("close"));
        ev.close();
        assertThat(slow.calls).contains("close");
        first.join(10_000);
    }

    @Test
    void anInterruptedCallerGetsNoFalseSourceFailures() {
        TestSource a = new TestSource("a:1", "j").set(Sample.of("x", 1));
        TestSource b = new TestSource("b:1", "j").set(Sample.of("x", 1));
        try (Evaluator ev = Evaluator.builder().source(a).source(b)
                .rule(Rule.alert("SourceDown").expr("up == 0").build()).build()) {
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> ev.evaluate(T)).isInstanceOf(CancellationException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(ev.alerts()).isEmpty();
            assertThat(ev.evaluate(T.plusSeconds(5))).isEmpty();
        }
    }

    @Test
    void startOnAShutDownExecutorFailsAndMayBeRetried() {
        ScheduledExecutorService dead = Executors.newSingleThreadScheduledExecutor();
        dead.shutdown();
        ScheduledExecutorService live = Executors.newSingleThreadScheduledExecutor();
        try {
            Evaluator ev = Evaluator.builder().source(new TestSource("lb:8404", "haproxy")).executor(dead).build();
            assertThatThrownBy(ev::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("refused the first evaluation");
            ev.close();
        } finally {
            live.shutdownNow();
        }
    }

    @Test
    void aClockThatThrowsAnErrorOnceDoesNotStopTheSchedule() {
        AtomicInteger calls = new AtomicInteger();
        Clock flaky = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                if (calls.incrementAndGet() == 2) {
                    throw new AssertionError("a broken clock");
                }
                return Instant.now();
            }
        };
        TestSource source = new TestSource("lb:8404", "haproxy");
        try (Evaluator ev = Evaluator.builder().source(source).clock(flaky).interval(Duration.ofMillis(20)).build()) {
            ev.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> source.collects() >= 3);
        }
    }

    @Test
    void closeLeavesNoReaderThreads() throws Exception {
        for (int i = 0; i < 3; i++) {
            Evaluator ev = Evaluator.builder().source(new TestSource("a:1", "j")).source(new TestSource("b:1", "j"))
                    .build();
            ev.evaluate(T);
            ev.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("tocsin-source-reader") && t.isAlive()));
    }

    @Test
    void closeDuringAnEvaluationWaitsForIt() throws Exception {
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MetricSource slow = new MetricSource() {
            @Override
            public String instance() {
                return "slow:1";
            }

            @Override
            public String job() {
                return "j";
            }

            @Override
            public List<Sample> collect() throws Exception {
                inRead.countDown();
                release.await(10, TimeUnit.SECONDS);
                return List.of(Sample.of("x", 1));
            }
        };
        RecordingNotifier notifier = new RecordingNotifier(0);
        Evaluator ev = Evaluator.builder().source(slow).source(new TestSource("b:1", "j"))
                .interval(Duration.ofSeconds(30)).rule(Rule.alert("X").expr("x > 0").build()).notifier(notifier)
                .build();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread evaluating = new Thread(() -> {
            try {
                ev.evaluate(T);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        evaluating.start();
        assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closing = new Thread(ev::close);
        closing.start();
        release.countDown();
        evaluating.join(10_000);
        closing.join(15_000);
        assertThat(failed.get()).isNull();
        assertThat(notifier.calls).containsExactly("accept 1", "close");
    }

    @Test
    void aRuleRemovedByAListenerSendsNothing() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        AtomicReference<Evaluator> self = new AtomicReference<>();
        List<Notification> sent = new CopyOnWriteArrayList<>();
        Notifier notifier = new Notifier() {
            @Override
            public void accept(Notification n) {
                sent.add(n);
            }

            @Override
            public void close() {
            }
        };
        try (Evaluator ev = Evaluator.builder().source(source).rule(Rule.alert("Gone").expr("x > 0").build())
                .rule(Rule.alert("Kept").expr("x > 0").build())
                .listener(a -> self.get().removeRule("Gone")).notifier(notifier).build()) {
            self.set(ev);
            ev.evaluate(T);
            assertThat(sent).singleElement().satisfies(n -> {
                assertThat(n.transitions()).extracting(Alert::ruleName).containsExactly("Kept");
                assertThat(n.active()).extracting(Alert::ruleName).containsExactly("Kept");
            });
        }
    }
}
