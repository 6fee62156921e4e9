package dev.tocsin.haproxy.internal;

import dev.tocsin.core.internal.expr.PromDuration;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs fetches through a Resilience4j {@link Retry} (inside) and {@link CircuitBreaker} (outside): one scrape is one
 * circuit-breaker call, however many attempts the retry made. Events are logged at debug and counted. One instance per
 * source; nothing is shared between sources.
 */
public final class ResilientFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientFetcher.class);

    private final String target;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final int failuresToOpen;
    private final Duration openFor;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile String lastError = "";
    private final Duration budget;
    private final long backoffNanos;
    /** The attempts made by the current thread's scrape (the retry's predicate needs them for the next wait). */
    private static final ThreadLocal<int[]> ATTEMPTS = ThreadLocal.withInitial(() -> new int[1]);
    /** The least time a retry must have left after its wait: less would only time out. */
    static final long MIN_ATTEMPT_NANOS = 100_000_000L;

    /**
     * Creates a fetcher.
     *
     * @param target what is fetched, for messages and the Resilience4j names
     * @param maxAttempts attempts per scrape, at least 1 (1 = no retry)
     * @param backoff wait before the first retry; doubles for each further retry
     * @param failuresToOpen consecutive failed scrapes that open the circuit; 0 disables the breaker
     * @param openFor how long the circuit stays open before one trial scrape is let through
     * @param clock the clock of the circuit breaker
     * @param budget how long one scrape may take, all its attempts and waits included (see {@link Deadline})
     */
    public ResilientFetcher(String target, int maxAttempts, Duration backoff, int failuresToOpen, Duration openFor,
                            Clock clock, Duration budget) {
        this.target = target;
        this.budget = budget;
        this.backoffNanos = Math.max(1, backoff.toMillis()) * 1_000_000L;
        this.clock = clock;
        this.failuresToOpen = failuresToOpen;
        this.openFor = openFor;
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Math.max(1, backoff.toMillis()), 2.0))
                .retryOnException(e -> e instanceof FetchException && ((FetchException) e).retriable()
                        && timeForRetry())
                .failAfterMaxAttempts(false)
                .build();
        this.retry = Retry.of("haproxy-fetch " + target, retryConfig);
        retry.getEventPublisher().onRetry(e -> {
            retries.incrementAndGet();
            LOG.debug("retrying fetch from {} (attempt {} failed: {}); waiting {} ms", target,
                    e.getNumberOfRetryAttempts(), message(e.getLastThrowable()), e.getWaitInterval().toMillis());
        });
        if (failuresToOpen > 0) {
            CircuitBreakerConfig cbConfig = CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(failuresToOpen)
                    .minimumNumberOfCalls(failuresToOpen)
                    .failureRateThreshold(100f)
                    .waitDurationInOpenState(openFor)
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .automaticTransitionFromOpenToHalfOpenEnabled(false)
                    .recordException(e -> true)
                    .clock(clock)
                    .build();
            this.breaker = CircuitBreaker.of("haproxy-fetch " + target, cbConfig);
            breaker.getEventPublisher().onStateTransition(e -> {
                LOG.debug("circuit breaker for {}: {}", target, e.getStateTransition());
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    opened.incrementAndGet();
                }
            });
            breaker.getEventPublisher().onCallNotPermitted(e -> {
                rejected.incrementAndGet();
                LOG.debug("circuit breaker for {} is open: scrape not attempted", target);
            });
        } else {
            this.breaker = null;
        }
    }

    /**
     * Runs one fetch with retry and circuit breaker.
     *
     * @throws FetchException the last attempt's failure, or a fast failure while the circuit is open
     */
    public <T> T call(CheckedSupplier<T> fetch) throws FetchException {
        int[] attempts = ATTEMPTS.get();
        CheckedSupplier<T> counted = () -> {
            attempts[0]++;
            return fetch.get();
        };
        CheckedSupplier<T> decorated = Retry.decorateCheckedSupplier(retry, counted);
        if (breaker != null) {
            decorated = CircuitBreaker.decorateCheckedSupplier(breaker, decorated);
        }
        attempts[0] = 0;
        Deadline.beginScrape(budget);
        try {
            return decorated.get();
        } catch (CallNotPermittedException e) {
            // the same words at every open period of one outage (no time, no countdown): the evaluator logs each
            // distinct failure of an outage once, not at every poll
            throw new FetchException("not scraping " + target + ": circuit breaker open after " + failuresToOpen
                    + " consecutive failed scrapes; one trial scrape at the first read " + PromDuration.format(openFor)
                    + " after it opens"
                    + " (last error: " + lastError + ")", false, e);
        } catch (FetchException e) {
            lastError = e.getMessage();
            throw e;
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e; // out of memory (the fetch maps as it reads) or stack: not a fetch failure, the caller decides
        } catch (Throwable e) {
            lastError = message(e);
            throw new FetchException("fetching from " + target + " failed: " + message(e), false, e);
        } finally {
            Deadline.endScrape();
        }
    }

    /**
     * Whether the scrape's budget leaves time for one more attempt after its wait (the first retry waits the backoff,
     * each further one twice as long): a retry never makes a scrape outlast its budget.
     */
    private boolean timeForRetry() {
        int failed = ATTEMPTS.get()[0];
        long wait = backoffNanos;
        for (int k = 1; k < failed && wait < Long.MAX_VALUE / 4; k++) {
            wait *= 2;
        }
        long left = Deadline.scrapeRemainingNanos();
        return left > wait && left - wait >= MIN_ATTEMPT_NANOS;
    }

    private static String message(Throwable t) {
        return t == null ? "" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Returns how long one scrape may take, all its attempts and waits included. */
    public Duration budget() {
        return budget;
    }

    /** Returns how many retries were made in total. */
    public long retries() {
        return retries.get();
    }

    /** Returns how many times the circuit opened. */
    public long circuitOpened() {
        return opened.get();
    }

    /** Returns how many scrapes were refused because the circuit was open. */
    public long rejected() {
        return rejected.get();
    }

    /** Returns the circuit breaker's state. */
    public dev.tocsin.haproxy.HaproxySource.CircuitState circuitState() {
        if (breaker == null) {
            return dev.tocsin.haproxy.HaproxySource.CircuitState.DISABLED;
        }
        switch (breaker.getState()) {
            case OPEN:
            case FORCED_OPEN:
                return dev.tocsin.haproxy.HaproxySource.CircuitState.OPEN;
            case HALF_OPEN:
                return dev.tocsin.haproxy.HaproxySource.CircuitState.HALF_OPEN;
            case DISABLED:
                return dev.tocsin.haproxy.HaproxySource.CircuitState.DISABLED;
            default: // CLOSED, METRICS_ONLY: scrapes go through
                return dev.tocsin.haproxy.HaproxySource.CircuitState.CLOSED;
        }
    }
}
