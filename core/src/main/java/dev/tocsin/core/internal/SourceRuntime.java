package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One source's state across evaluations: its last good scrape (grouped by metric name) and its health. */
final class SourceRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.core.Evaluator");

    final MetricSource source;
    final Labels target;
    final String healthMetric;
    private final Sample healthUp;
    private final Sample healthDown;
    /** A {@link RawSeriesSource}: samples kept as they are, no health series. */
    private final boolean rawSeries;

    private Map<String, Sample[]> lastGood;
    /** The on-demand look-up of the last good read, or null. */
    private OnDemandSeries lastGoodOnDemand;
    private Instant lastSuccess;
    private boolean down;
    private String lastError;
    /** The distinct failures logged in the current outage (bounded), so that each is logged once. */
    private final java.util.Set<String> outageErrors = new java.util.HashSet<>();
    private static final int MAX_OUTAGE_ERRORS = 16;
    private int invalidSamplesLogged;

    SourceRuntime(MetricSource source) {
        this.source = source;
        String instance = source.instance();
        String job = source.job();
        if (instance == null || instance.isEmpty() || job == null || job.isEmpty()) {
            throw new IllegalArgumentException("source " + source.getClass().getName()
                    + " must have a non-empty instance and job");
        }
        this.healthMetric = source.healthMetric();
        if (!Sample.isValidMetricName(healthMetric)) {
            throw new IllegalArgumentException("source " + instance + ": invalid health metric name '"
                    + healthMetric + "'");
        }
        this.target = Labels.of("instance", instance, "job", job);
        Labels h = target.with(Labels.METRIC_NAME, healthMetric);
        this.healthUp = new Sample(h, 1);
        this.healthDown = new Sample(h, 0);
        this.rawSeries = source instanceof RawSeriesSource;
    }

    /** The outcome of reading the source in one evaluation. */
    static final class Read {
        final Map<String, Sample[]> groups;
        final boolean held;
        final Sample health;
        /** The series the source skipped and looks up on demand, or null. */
        final OnDemandSeries onDemand;

        Read(Map<String, Sample[]> groups, boolean held, Sample health, OnDemandSeries onDemand) {
            this.groups = groups;
            this.held = held;
            this.health = health;
            this.onDemand = onDemand;
        }
    }

    /**
     * Calls the source's {@code collect(interest)}; may run on a reader thread. Never throws (except VM errors).
     * Samples outside the interest are kept if the source returns them.
     */
    Object collect(MetricInterest interest) {
        try {
            List<Sample> raw = source instanceof DeferringSource && !interest.onDemandNames().isEmpty()
                    ? ((DeferringSource) source).collectDeferring(interest) : source.collect(interest);
            if (raw == null) {
                throw new IllegalStateException("collect() returned null");
            }
            return raw;
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            return e;
        }
    }

    /**
     * Turns the outcome of {@link #collect()} (a sample list or a Throwable) into this cycle's read, updating the
     * source's state. Runs on the evaluation thread.
     */
    @SuppressWarnings("unchecked")
    Read complete(Object outcome, Instant now, boolean holdOnFailure, Duration staleness) {
        if (outcome instanceof Throwable) {
            return failed(now, holdOnFailure, staleness, (Throwable) outcome);
        }
        List<Sample> raw = (List<Sample>) outcome;
        Map<String, Sample[]> groups = group(raw);
        OnDemandSeries onDemand = onDemandOf(raw);
        lastGood = groups;
        lastGoodOnDemand = onDemand;
        lastSuccess = now;
        if (down) {
            // at the level of the failure it ends, so that whoever saw one sees the other
            LOG.warn("source {} (job {}) is readable again", target.get("instance"), target.get("job"));
        }
        down = false;
        lastError = null;
        return new Read(groups, false, rawSeries ? null : healthUp, onDemand);
    }

    /**
     * The failure as logged: an I/O failure's own message (it says what happened: connection refused, HTTP 401 ...),
     * anything else with its type first ({@code IllegalStateException: ...}), and the type alone without a message.
     */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return e instanceof java.io.IOException ? m : e.getClass().getSimpleName() + ": " + m;
    }

    /** Records a failed read (also used when the source did not answer within the evaluation interval). */
    Read failed(Instant now, boolean holdOnFailure, Duration staleness, Throwable e) {
        String msg = describe(e);
        if (!down) {
            outageErrors.clear();
        }
        // each distinct failure once per outage: a circuit breaker's "open" and its trial's own error alternate
        boolean first = outageErrors.size() < MAX_OUTAGE_ERRORS ? outageErrors.add(msg) : !msg.equals(lastError);
        if (!down || first) {
            LOG.warn("source {} (job {}) cannot be read: {}", target.get("instance"), target.get("job"), msg);
            LOG.debug("source failure detail", e);
        } else {
            LOG.debug("source {} still cannot be read: {}", target.get("instance"), msg);
        }
        down = true;
        lastError = msg;
        if (holdOnFailure && lastGood != null
                && Duration.between(lastSuccess, now).compareTo(staleness) <= 0) {
            return new Read(lastGood, true, rawSeries ? null : healthDown, lastGoodOnDemand);
        }
        // never held again (a new success replaces them): let their memory go
        lastGood = null;
        lastGoodOnDemand = null;
        return new Read(Map.of(), false, rawSeries ? null : healthDown, null);
    }

    /** Slots of the per-scrape metric name cache in {@link #group}; a power of two. */
    private static final int NAME_CACHE = 64;
    /** Marks a cached name whose samples are dropped (the source's own copy of the health metric). */
    private static final List<Sample> DROP = List.of();

    private Map<String, Sample[]> group(List<Sample> raw) {
        if (!rawSeries && raw instanceof SampleFamilies && carriesTarget((SampleFamilies) raw)) {
            // grouped by the source and carrying instance/job already: copy each family's references, without
            // touching the samples themselves
            SampleFamilies f = (SampleFamilies) raw;
            Map<String, Sample[]> out = new HashMap<>();
            for (int i = 0; i < f.familyCount(); i++) {
                String name = f.familyName(i);
                if (name.equals(healthMetric)) {
                    continue;
                }
                Sample[] family = f.familyArray(i);
                if (family.length == 0) {
                    continue;
                }
                out.merge(name, family, SourceRuntime::concat);
            }
            // the others follow the families in the list: same order as grouping it one by one
            groupOneByOne(f.others()).forEach((name, samples) -> out.merge(name, samples, SourceRuntime::concat));
            return out;
        }
        return groupOneByOne(raw);
    }

    /** The source's on-demand look-up, when its families carry the target labels as the contract asks. */
    private OnDemandSeries onDemandOf(List<Sample> raw) {
        if (rawSeries || !(raw instanceof SampleFamilies) || !carriesTarget((SampleFamilies) raw)) {
            return null;
        }
        OnDemandSeries o = ((SampleFamilies) raw).onDemand();
        return o == null || o.names().isEmpty() ? null : o;
    }

    private boolean carriesTarget(SampleFamilies f) {
        java.util.Set<String> carried = f.carriedLabelNames();
        for (int i = 0; i < target.size(); i++) {
            if (!carried.contains(target.name(i))) {
                return false;
            }
        }
        return true;
    }

    private static Sample[] concat(Sample[] a, Sample[] b) {
        Sample[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Map<String, Sample[]> groupOneByOne(List<Sample> raw) {
        Map<String, List<Sample>> tmp = new HashMap<>();
        Map<String, Sample[]> previous = lastGood;
        // sources return a few dozen names in a repeating order (one row of metrics after the other): a small cache
        // by name identity (a source reuses its name strings) saves a hash map look-up per sample
        String[] cachedNames = new String[NAME_CACHE];
        @SuppressWarnings("unchecked") // a generic array cannot be created; it only ever holds List<Sample>s
        List<Sample>[] cachedLists = (List<Sample>[]) new List<?>[NAME_CACHE];
        int invalid = 0;
        for (Sample s : raw) {
            if (s == null) {
                invalid++;
                continue;
            }
            String name = s.labels().metricName();
            int slot = name.hashCode() & (NAME_CACHE - 1);
            List<Sample> list;
            if (cachedNames[slot] == name) {
                list = cachedLists[slot];
            } else {
                if (name.isEmpty()) {
                    invalid++;
                    continue;
                }
                if (!rawSeries && name.equals(healthMetric)) {
                    // the evaluator owns the health series; a source's own copy would duplicate it
                    list = DROP;
                } else {
                    list = tmp.get(name);
                    if (list == null) {
                        Sample[] last = previous == null ? null : previous.get(name);
                        list = new ArrayList<>(last == null ? 16 : last.length);
                        tmp.put(name, list);
                    }
                }
                cachedNames[slot] = name;
                cachedLists[slot] = list;
            }
            if (list == DROP) {
                continue;
            }
            Labels l = rawSeries ? s.labels() : s.labels().withDefaults(target);
            list.add(l == s.labels() ? s : new Sample(l, s.value()));
        }
        if (invalid > 0 && invalidSamplesLogged++ < 5) {
            LOG.warn("source {} returned {} samples without a metric name (ignored)", target.get("instance"),
                    invalid);
        }
        Map<String, Sample[]> out = new HashMap<>(tmp.size() * 2);
        tmp.forEach((k, v) -> out.put(k, v.toArray(new Sample[0])));
        return out;
    }
}
