package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.Family;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest sample of every series written by recording rules, as an instant selector sees it: a series is visible
 * while its latest sample is at most 5 minutes old (Prometheus' lookback, boundary included as in 2.x) and until its
 * rule marks it stale. Only touched under the evaluator's evaluation lock.
 */
final class RecordedSeries {

    /** Prometheus' default lookback delta. */
    static final long LOOKBACK_MILLIS = Duration.ofMinutes(5).toMillis();

    private static final class Entry {
        final Sample sample;
        final boolean held;
        final long time;

        Entry(Sample sample, boolean held, long time) {
            this.sample = sample;
            this.held = held;
            this.time = time;
        }
    }

    private final Map<String, Map<Labels, Entry>> byName = new HashMap<>();
    private final Map<String, Family> families = new HashMap<>();
    /** Counts changes, so that results computed from an older state can be recognised as stale. */
    private long version;

    /** Returns a number that changes whenever a visible series is written, removed or expired. */
    long version() {
        return version;
    }

    /** Stores a rule's output sample written at {@code time}. */
    void put(Sample s, boolean held, long time) {
        String name = s.labels().metricName();
        byName.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(s.labels(), new Entry(s, held, time));
        families.remove(name);
        version++;
    }

    /** Removes a series (its rule marked it stale, or the rule was removed). */
    void remove(Labels labels) {
        String name = labels.metricName();
        Map<Labels, Entry> m = byName.get(name);
        if (m != null && m.remove(labels) != null) {
            families.remove(name);
            version++;
            if (m.isEmpty()) {
                byName.remove(name);
            }
        }
    }

    /** Forgets the series whose latest sample is older than the lookback at {@code now}. */
    void expire(long now) {
        long min = now - LOOKBACK_MILLIS;
        for (var it = byName.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().values().removeIf(en -> en.time < min)) {
                families.remove(e.getKey());
                version++;
            }
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    /**
     * Returns the time (epoch milliseconds) the visible series {@code labels} was last written, or
     * {@link Long#MIN_VALUE} when no rule wrote it.
     */
    long timeOf(Labels labels) {
        Map<Labels, Entry> m = byName.get(labels.metricName());
        Entry e = m == null ? null : m.get(labels);
        return e == null ? Long.MIN_VALUE : e.time;
    }

    /** Returns whether no recorded series is visible. */
    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** Returns the visible recorded series of a metric name, or {@code null} when there is none. */
    Family family(String name) {
        Map<Labels, Entry> m = byName.get(name);
        if (m == null) {
            return null;
        }
        Family f = families.get(name);
        if (f == null) {
            Sample[] s = new Sample[m.size()];
            boolean[] h = new boolean[s.length];
            int i = 0;
            for (Entry e : m.values()) {
                s[i] = e.sample;
                h[i++] = e.held;
            }
            f = new Family(s, h);
            families.put(name, f);
        }
        return f;
    }

    /** Returns the metric names that have visible recorded series. */
    List<String> names() {
        return new ArrayList<>(byName.keySet());
    }
}
