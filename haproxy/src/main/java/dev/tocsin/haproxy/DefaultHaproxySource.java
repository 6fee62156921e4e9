package dev.tocsin.haproxy;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.DeferringSource;
import dev.tocsin.haproxy.internal.ConcatList;
import dev.tocsin.haproxy.internal.Deadline;
import dev.tocsin.haproxy.internal.DeferredPlan;
import dev.tocsin.haproxy.internal.FetchException;
import dev.tocsin.haproxy.internal.ResilientFetcher;
import dev.tocsin.haproxy.internal.SkippedRowLog;
import dev.tocsin.haproxy.internal.StatsTransport;
import dev.tocsin.haproxy.internal.csv.FamilySamples;
import dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper;
import dev.tocsin.haproxy.internal.csv.MappingOptions;
import dev.tocsin.haproxy.internal.csv.ScrapeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link HaproxySource} a {@link HaproxySource.Builder} builds. It is also a {@link DeferringSource}: the evaluator
 * reads it without mapping the server metrics only a diagnosis asks for. Thread-safe.
 */
final class DefaultHaproxySource implements HaproxySource, DeferringSource {

    /** Named after the public type, as it always was. */
    static final Logger LOG = LoggerFactory.getLogger(HaproxySource.class);

    private final StatsTransport transport;
    private final String instance;
    private final String job;
    private final boolean basicAuth;
    private final boolean versionInfo;
    private final HaproxyCsvMapper mapper;
    private final ResilientFetcher fetcher;
    private final SkippedRowLog skippedRowLog;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong parseFailures = new AtomicLong();
    /**
     * What the mapper mapped for the last interest asked for; guarded by this. One entry: a caller that alternates
     * {@code collect} and {@code collectDeferring} rebuilds it (and the mapper's column plan, which starts its per-row
     * sample caches afresh) each time.
     */
    private DeferredPlan lastPlan;
    private boolean lastPlanDefers;
    private volatile Sample versionSample;
    private volatile boolean infoStale = true;
    /** The builder's clock: when a failed {@code show info} may be asked again. */
    private final java.time.Clock clock;
    /** Clock millis of the last failed {@code show info}; guarded by this. */
    private long infoFailedAtMillis;
    /** The wait after the last failed {@code show info} (0 after a success); guarded by this. */
    private long infoBackoffMillis;
    /** The wait after a first failed {@code show info}, doubled at each further failure (see the maximum below). */
    static final long INFO_FIRST_BACKOFF_MILLIS = 30_000;
    /** The longest wait between two {@code show info} while it keeps failing. */
    static final long INFO_MAX_BACKOFF_MILLIS = 600_000;

    DefaultHaproxySource(Builder b, StatsTransport transport) {
        this.clock = b.clock;
        this.transport = transport;
        this.instance = b.instance != null ? b.instance : b.defaultInstance();
        this.job = b.job;
        this.basicAuth = b.authorization != null;
        this.versionInfo = b.versionInfo;
        // instance and job are put in the mapper's cached label sets, so the evaluator does not copy every sample
        // of every scrape to add them
        this.mapper = new HaproxyCsvMapper(new MappingOptions(b.statusMapping, b.serverMetricFields,
                b.excludedServerStates, Labels.of("instance", instance, "job", job)))
                .redactingWith(transport::redact); // a server may echo the credentials it was sent
        this.fetcher = new ResilientFetcher(transport.describe(), b.maxAttempts, b.backoff, b.failuresToOpen,
                b.openFor, b.clock, b.connectTimeout.plus(b.readTimeout));
        this.skippedRowLog = new SkippedRowLog(transport.describe());
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public String job() {
        return job;
    }

    /** Returns {@code haproxy_up}. */
    @Override
    public String healthMetric() {
        return "haproxy_up";
    }

    /**
     * Fetches the statistics once and maps them.
     *
     * <p>Besides the exporter's metrics the result holds {@code haproxy_exporter_scrapes_total},
     * {@code haproxy_exporter_csv_parse_failures_total}, {@code tocsin_haproxy_fetch_retries_total},
     * {@code tocsin_haproxy_circuit_open_total} and, on Runtime API transports, {@code haproxy_version_info}.
     *
     * @throws HaproxyReadException when the statistics cannot be read or are not HAProxy CSV; the message says what
     *     happened (connection refused, timeout after 5s, HTTP 401, response larger than the cap, not CSV at line N)
     */
    @Override
    public List<Sample> collect() throws java.io.IOException {
        return collect(MetricInterest.all());
    }

    /**
     * Fetches the statistics once and maps only the metrics {@code interest} includes: the evaluator passes the
     * names its rules read, so a source watched by a few rules does not build the ~70 series per server the exporter
     * table defines. Every row is still read (skipped rows are still counted and logged). The names wanted only on
     * demand are mapped too (see {@link #collectDeferring}).
     *
     * @param interest the metric names wanted ({@link MetricInterest#all()} for everything)
     * @throws java.io.IOException as {@link #collect()}
     */
    @Override
    public List<Sample> collect(MetricInterest interest) throws java.io.IOException {
        return read(interest, false);
    }

    /**
     * Internal, called by the evaluator when it reads this source itself: as {@link #collect(MetricInterest)}, except
     * that the server metrics the interest wants only on demand ({@link MetricInterest#onDemandNames()}) are not
     * mapped. The scrape keeps the few fields of its server rows they are read from instead and maps, when a rule asks
     * through {@code MetricsView.seriesMatching}, only the rows of the backend asked about. The returned list offers
     * that look-up to the evaluator; a copy of it would lose those metrics.
     *
     * @param interest the metric names wanted
     * @throws java.io.IOException as {@link #collect()}
     */
    @Override
    public List<Sample> collectDeferring(MetricInterest interest) throws java.io.IOException {
        return read(interest, true);
    }

    private synchronized List<Sample> read(MetricInterest interest, boolean defer) throws java.io.IOException {
        Objects.requireNonNull(interest, "interest");
        scrapes.incrementAndGet();
        DeferredPlan plan = lastPlan;
        if (plan == null || !plan.interest().equals(interest) || lastPlanDefers != defer) {
            plan = DeferredPlan.of(interest, defer);
            lastPlan = plan;
            lastPlanDefers = defer;
        }
        DeferredPlan wanted = plan;
        long started = System.nanoTime();
        HaproxyCsvMapper.Feed feed;
        try {
            // the rows are mapped as the body arrives (never held whole); each attempt starts a fresh document
            feed = fetcher.call(() -> {
                HaproxyCsvMapper.Feed f = mapper.begin(wanted.mapped(), false, wanted.deferred());
                transport.fetchStat(f::accept);
                return f;
            });
        } catch (FetchException e) {
            failures.incrementAndGet();
            // HAProxy may be restarted or upgraded: its version is asked at the next good scrape (or, while show info
            // keeps failing, when its wait is over)
            infoStale = true;
            throw new HaproxyReadException(e.getMessage(), e.getCause());
        }
        ScrapeResult result;
        try {
            result = feed.finish();
        } catch (CsvFormatException e) {
            failures.incrementAndGet();
            parseFailures.incrementAndGet();
            // the mapper quotes the server's text only after the transport's redaction (see its constructor)
            throw new HaproxyReadException("the answer of " + transport.describe() + " is not HAProxy CSV: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            throw new HaproxyReadException("cannot map the CSV from " + transport.describe() + ": " + e, e);
        }
        if (!result.skippedRows().isEmpty()) {
            parseFailures.addAndGet(result.parseFailures());
            skippedRowLog.log(result.skippedRows());
        }
        if (versionInfo && infoStale && infoWaitOver()) {
            refreshVersionInfo(started);
        }
        // a view over the mapper's (read-only) list: copying ~400k references per large scrape cost 3.4 MB
        Sample scrapesTotal = Sample.of("haproxy_exporter_scrapes_total", scrapes.get());
        Sample parseFailuresTotal = Sample.of("haproxy_exporter_csv_parse_failures_total", parseFailures.get());
        Sample retries = Sample.of("tocsin_haproxy_fetch_retries_total", fetcher.retries());
        Sample circuitOpen = Sample.of("tocsin_haproxy_circuit_open_total", fetcher.circuitOpened());
        Sample version = versionSample;
        List<Sample> own = new ArrayList<>(5);
        for (Sample s : new Sample[] {scrapesTotal, parseFailuresTotal, retries, circuitOpen, version}) {
            if (s != null && (interest.isAll() || interest.includes(s.labels().metricName()))) {
                own.add(s);
            }
        }
        // the mapper's families, handed to the evaluator as they are, then the source's own counters
        if (result.samples() instanceof FamilySamples) {
            return plan.offer(((FamilySamples) result.samples()).withOthers(own), result, mapper.options());
        }
        return new ConcatList<>(result.samples(), own.toArray(new Sample[0]));
    }

    /**
     * Whether {@code show info} may be asked: it has not failed since it last answered, or the wait after its last
     * failure is over (or the clock went back before that failure).
     */
    private boolean infoWaitOver() {
        if (infoBackoffMillis == 0) {
            return true;
        }
        long since = clock.millis() - infoFailedAtMillis;
        return since < 0 || since >= infoBackoffMillis;
    }

    /** The least of the scrape's budget worth spending on {@code show info}; with less it waits for the next scrape. */
    private static final long MIN_INFO_NANOS = 50_000_000L;

    /**
     * Reads the version ({@code show info}) within what is left of the scrape's budget, which started at
     * {@code started} ({@link System#nanoTime()}): a HAProxy that answers {@code show stat} and then hangs does not
     * make the scrape outlast its budget. With too little of the budget left it is asked at the next scrape; when it
     * fails (refused, timed out, cut short by the budget) it is asked again after {@link #INFO_FIRST_BACKOFF_MILLIS},
     * then less and less often while it keeps failing (up to every {@link #INFO_MAX_BACKOFF_MILLIS}), so that a
     * HAProxy that never answers it does not cost every scrape a timeout.
     */
    private void refreshVersionInfo(long started) {
        long left = fetcher.budget().toNanos() - (System.nanoTime() - started);
        if (left < MIN_INFO_NANOS) {
            return; // stays stale: asked at the next scrape
        }
        Deadline.beginScrape(java.time.Duration.ofNanos(left));
        try {
            Optional<Map<String, String>> info = transport.fetchInfo();
            if (info.isPresent()) {
                String version = info.get().getOrDefault("Version", "");
                String date = info.get().getOrDefault("Release_date", "");
                if (!version.isEmpty()) {
                    versionSample = Sample.of("haproxy_version_info", 1, "release_date", date, "version", version);
                }
            }
            infoStale = false;
            infoBackoffMillis = 0;
        } catch (FetchException | RuntimeException e) {
            infoBackoffMillis = infoBackoffMillis == 0 ? INFO_FIRST_BACKOFF_MILLIS
                    : Math.min(INFO_MAX_BACKOFF_MILLIS, infoBackoffMillis * 2);
            infoFailedAtMillis = clock.millis();
            LOG.debug("'show info' on {} failed, haproxy_version_info not updated (asked again in {} s): {}",
                    transport.describe(), infoBackoffMillis / 1000, e.getMessage());
        } finally {
            Deadline.endScrape();
        }
    }

    @Override
    public Stats stats() {
        return new Stats(scrapes.get(), failures.get(), parseFailures.get(), fetcher.retries(),
                fetcher.circuitOpened(), fetcher.rejected(), fetcher.circuitState());
    }

    /** Returns where it reads from and its labels; never credentials. */
    @Override
    public String toString() {
        return "HaproxySource[" + transport.describe() + ", instance=" + instance + ", job=" + job
                + (basicAuth ? ", basic auth" : "") + "]";
    }
}
