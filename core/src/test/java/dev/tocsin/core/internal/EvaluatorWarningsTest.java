package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.testing.TestSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What the evaluator tells the host about its own setup: listeners that delay it, rules registered twice. */
class EvaluatorWarningsTest {

    private static String log(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    private static final class SlowListener implements dev.tocsin.core.AlertListener {
        @Override
        public void onTransition(dev.tocsin.core.Alert alert) {
            try {
                Thread.sleep(30); // at least 30 ms: more than the 10 ms a 40 ms interval allows
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void evaluate(Consumer<Evaluator.Builder> setup) {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        Evaluator.Builder b = Evaluator.builder().source(source).interval(Duration.ofMillis(40));
        setup.accept(b);
        try (Evaluator ev = b.build()) {
            Instant t = Instant.parse("2026-11-27T12:00:00Z");
            for (int i = 0; i < 3; i++) {
                source.set(Sample.of("x", i % 2)); // a transition at each evaluation
                ev.evaluate(t = t.plusSeconds(1));
            }
        }
    }

    @Test
    void aSlowListenerIsNamedOnceAMinute() {
        String log = log(() -> evaluate(b -> b.rule(Rule.alert("X").expr("x > 0").build())
                .listener(new SlowListener())));
        assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("alert listener "
                + SlowListener.class.getName() + " took ") && l.contains("(slow from 10 ms)"))).hasSize(1);
    }

    @Test
    void aQuickListenerIsNotReported() {
        String log = log(() -> evaluate(b -> b.rule(Rule.alert("X").expr("x > 0").build()).listener(a -> { })));
        assertThat(log).doesNotContain("on the evaluation thread");
    }

    @Test
    void aNotifierSharedByTwoEvaluatorsSaysOnceThatItWasClosedByTheOther() {
        // one builder, two evaluators: both hold the same notifier, and the first one's close() closes it
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        dev.tocsin.core.notify.AlertmanagerNotifier notifier = dev.tocsin.core.notify.AlertmanagerNotifier.to(
                java.net.URI.create("http://127.0.0.1:9/"));
        Evaluator.Builder b = Evaluator.builder().source(source).rule(Rule.alert("X").expr("x > 0").build())
                .notifier(notifier);
        Evaluator first = b.build();
        String log = log(() -> {
            try (Evaluator second = b.build()) {
                first.close();
                Instant t = Instant.parse("2026-11-27T12:00:00Z");
                for (int i = 0; i < 3; i++) {
                    second.evaluate(t = t.plusSeconds(1));
                }
            }
        });
        assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("AlertmanagerNotifier[http://127.0.0.1:9/]"
                + " is closed: the notifications of the evaluations that still call it are not sent"))).hasSize(1);
    }

    @Test
    void aRuleRegisteredTwiceWithTheSameLabelsIsReported() {
        Rule rule = Rule.alert("X").expr("x > 0").label("severity", "page").build();
        String log = log(() -> evaluate(b -> b.rule(rule).rule(Rule.from(rule).forDuration(Duration.ofMinutes(1))
                .build())));
        assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("rule X is registered twice with the"
                + " same labels {severity=page}"))).hasSize(1);
    }

    @Test
    void aRuleAddedWhileRunningWithTheSameLabelsIsReported() {
        Rule rule = Rule.alert("X").expr("x > 0").build();
        String log = log(() -> {
            try (Evaluator ev = Evaluator.builder().rule(rule).build()) {
                ev.addRule(Rule.from(rule).build());
            }
        });
        assertThat(log).contains("rule X is registered twice with the same labels {}");
    }

    @Test
    void rulesOfOneNameWithDifferentLabelsAreNotReported() {
        String log = log(() -> evaluate(b -> b
                .rule(Rule.alert("X").expr("x > 0").label("severity", "warning").build())
                .rule(Rule.alert("X").expr("x > 1").label("severity", "critical").build())));
        assertThat(log).doesNotContain("registered twice");
    }
}
