package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Sample;
import dev.tocsin.core.testing.TestSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A source that keeps failing is logged once per distinct failure and outage, not at every evaluation: a circuit
 * breaker's "open" and its trial's own error alternate, and used to give one warning per evaluation.
 */
class SourceFailureLogTest {

    @Test
    void eachDistinctFailureIsLoggedOncePerOutage() {
        TestSource source = new TestSource("lb:8404", "haproxy").set(Sample.of("x", 1));
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (Evaluator ev = Evaluator.builder().source(source).build()) {
            Instant t = Instant.parse("2026-11-27T12:00:00Z");
            for (int outage = 0; outage < 2; outage++) {
                for (int i = 0; i < 10; i++) {
                    source.fail(new IllegalStateException(i % 2 == 0 ? "connection refused" : "circuit open"));
                    ev.evaluate(t = t.plusSeconds(1));
                }
                source.fail(null);
                ev.evaluate(t = t.plusSeconds(1)); // readable again: the next outage logs again
            }
        } finally {
            System.setErr(old);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains("cannot be read") && l.contains("connection refused")))
                .hasSize(2);
        assertThat(log.lines().filter(l -> l.contains("cannot be read") && l.contains("circuit open"))).hasSize(2);
        assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("is readable again"))).hasSize(2);
    }
}
