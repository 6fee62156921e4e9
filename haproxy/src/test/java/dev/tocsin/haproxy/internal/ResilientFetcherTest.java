package dev.tocsin.haproxy.internal;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResilientFetcherTest {

    @Test
    void retriesRetriableFailuresOnceAndCountsThem() throws Exception {
        ResilientFetcher f = new ResilientFetcher("t", 2, Duration.ofMillis(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        String r = f.call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new FetchException("connection refused", true, null);
            }
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(calls).hasValue(2);
        assertThat(f.retries()).isEqualTo(1);
        assertThat(f.circuitState()).as("no breaker").isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.DISABLED);
    }

    @Test
    void doesNotRetryNonRetriableFailures() {
        ResilientFetcher f = new ResilientFetcher("t", 3, Duration.ofMillis(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> f.call(() -> {
            calls.incrementAndGet();
            throw new FetchException("HTTP 401");
        })).hasMessage("HTTP 401");
        assertThat(calls).hasValue(1);
        assertThat(f.retries()).isZero();
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        ResilientFetcher f = new ResilientFetcher("t", 3, Duration.ofMillis(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> f.call(() -> {
            throw new FetchException("refused #" + calls.incrementAndGet(), true, null);
        })).hasMessage("refused #3");
        assertThat(f.retries()).isEqualTo(2);
    }

    @Test
    void opensAfterConsecutiveFailuresFailsFastThenLetsOneTrialThrough() throws Exception {
        MutableClock clock = new MutableClock();
        ResilientFetcher f = new ResilientFetcher("http://lb:1/stats;csv", 1, Duration.ofMillis(1), 3,
                Duration.ofSeconds(10), clock, Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> f.call(() -> {
                calls.incrementAndGet();
                throw new FetchException("connection refused by lb:1", true, null);
            })).hasMessageContaining("connection refused");
        }
        assertThat(f.circuitState()).isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.OPEN);
        assertThat(f.circuitOpened()).isEqualTo(1);
        assertThatThrownBy(() -> f.call(() -> {
            calls.incrementAndGet();
            return "never";
        })).hasMessageContaining("circuit breaker open after 3 consecutive failed scrapes")
                .hasMessageContaining("one trial scrape at the first read 10s after it opens")
                .hasMessageContaining("last error: connection refused by lb:1");
        assertThat(calls).hasValue(3);
        assertThat(f.rejected()).isEqualTo(1);
        // the same words at every rejected poll of one open period (the evaluator logs a repeated failure once)
        String first = org.assertj.core.api.Assertions.catchThrowable(() -> f.call(() -> "never")).getMessage();
        clock.now = clock.now.plusSeconds(4);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> f.call(() -> "never")))
                .hasMessage(first);

        clock.now = clock.now.plusSeconds(7);
        assertThat(f.call(() -> {
            calls.incrementAndGet();
            return "back";
        })).isEqualTo("back");
        assertThat(f.circuitState()).isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.CLOSED);
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() throws Exception {
        ResilientFetcher f = new ResilientFetcher("t", 1, Duration.ofMillis(1), 2, Duration.ofSeconds(10),
                Clock.systemUTC(), Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> f.call(() -> {
                throw new FetchException("x", false, null);
            }));
            f.call(() -> "ok");
        }
        assertThat(f.circuitState()).isEqualTo(dev.tocsin.haproxy.HaproxySource.CircuitState.CLOSED);
    }

    @Test
    void noRetryWhoseWaitWouldOutlastTheScrapesBudget() {
        // 5 attempts with a 1 s backoff asked for; a 300 ms budget leaves no time for the first wait
        ResilientFetcher f = new ResilientFetcher("t", 5, Duration.ofSeconds(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofMillis(300));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> f.call(() -> {
            throw new FetchException("refused #" + calls.incrementAndGet(), true, null);
        })).hasMessage("refused #1");
        assertThat(f.retries()).isZero();
    }

    @Test
    void retriesWithinTheBudgetAsAskedFor() {
        ResilientFetcher f = new ResilientFetcher("t", 4, Duration.ofMillis(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> f.call(() -> {
            throw new FetchException("refused #" + calls.incrementAndGet(), true, null);
        })).hasMessage("refused #4");
    }

    @Test
    void noRetryOnceTheBudgetIsSpent() {
        ResilientFetcher f = new ResilientFetcher("t", 3, Duration.ofMillis(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofMillis(50));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> f.call(() -> {
            calls.incrementAndGet();
            Thread.sleep(60); // at least 60 ms: the 50 ms budget is spent
            throw new FetchException("HTTP 503", true, null);
        })).hasMessage("HTTP 503");
        assertThat(calls).hasValue(1);
    }

    @Test
    void deadlinesInsideAScrapeEndWithItsBudget() throws Exception {
        ResilientFetcher f = new ResilientFetcher("t", 1, Duration.ofMillis(1), 0, Duration.ofSeconds(1),
                Clock.systemUTC(), Duration.ofSeconds(2));
        Deadline[] inside = new Deadline[2];
        f.call(() -> {
            inside[0] = Deadline.after(Duration.ofSeconds(10)); // longer than the budget: the budget's
            inside[1] = Deadline.after(Duration.ofMillis(500)); // shorter: its own
            return "ok";
        });
        assertThat(inside[0].scrapeBound()).isTrue();
        assertThat(inside[0].remainingMillis()).isLessThanOrEqualTo(2000);
        assertThat(inside[0].timeout("reading the response").getMessage()).isEqualTo("timeout: the scrape's budget"
                + " of 2s (connect and read timeouts, retries included) ran out while reading the response");
        assertThat(inside[1].scrapeBound()).isFalse();
        assertThat(inside[1].timeout("reading the response").getMessage())
                .isEqualTo("timeout after 500ms while reading the response");
        // outside a scrape: no budget
        assertThat(Deadline.after(Duration.ofSeconds(10)).scrapeBound()).isFalse();
        assertThat(Deadline.scrapeRemainingNanos()).isEqualTo(Long.MAX_VALUE);
    }
}
