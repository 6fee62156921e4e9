package dev.tocsin.core.internal.rules;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.RawSeriesSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The input series of one promtool test group, read as a PromQL instant query would at the current evaluation time:
 * each series' latest sample at or before it, at most 5 minutes old (inclusive, as Prometheus 2.x), and none when
 * that latest sample is a staleness marker. Range selectors and {@code offset} read every sample with its own
 * timestamp ({@link #samplesBetween}), as promtool's test storage holds them.
 */
final class TestSeriesSource implements RawSeriesSource {

    static final long LOOKBACK_MILLIS = Duration.ofMinutes(5).toMillis();

    private static final class Series {
        final Labels labels;
        final SeriesNotation.Values values;
        /** prev[k] = the last step at or before k that is not omitted, or -1. */
        final int[] prev;

        Series(Labels labels, SeriesNotation.Values values) {
            this.labels = labels;
            this.values = values;
            this.prev = new int[values.size()];
            int last = -1;
            for (int k = 0; k < prev.length; k++) {
                if (values.kind(k) != SeriesNotation.Values.OMITTED) {
                    last = k;
                }
                prev[k] = last;
            }
        }
    }

    private final long intervalMillis;
    private final List<Series> series = new ArrayList<>();
    private final Set<Labels> own = new HashSet<>();
    private volatile long nowMillis;
    /**
     * The newest sample time promtool's test storage holds: it loads the input series only up to its last rule
     * evaluation, so a promql test whose eval_time lies after that sees no newer sample.
     */
    private volatile long loadedUntil = Long.MAX_VALUE;

    TestSeriesSource(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /** Adds an input series; one with the same labels as an earlier one replaces it whole, as in promtool. */
    void add(Labels labels, SeriesNotation.Values values) {
        if (!own.add(labels)) {
            series.removeIf(x -> x.labels.equals(labels));
        }
        series.add(new Series(labels, values));
    }

    void setNow(long millis) {
        this.nowMillis = millis;
    }

    /** Holds back every sample newer than {@code millis} (promtool's last evaluation time). */
    void loadUntil(long millis) {
        this.loadedUntil = millis;
    }

    @Override
    public String instance() {
        return "promtool-test";
    }

    @Override
    public String job() {
        return "promtool-test";
    }

    @Override
    public List<Sample> collect() {
        long now = nowMillis;
        List<Sample> out = new ArrayList<>();
        for (Series s : series) {
            if (s.prev.length == 0 || now < 0) {
                continue;
            }
            long k = Math.min(s.prev.length - 1L, Math.min(now, loadedUntil) / intervalMillis);
            int j = s.prev[(int) k];
            if (j < 0) {
                continue;
            }
            long t = j * intervalMillis;
            if (t < now - LOOKBACK_MILLIS || s.values.kind(j) != SeriesNotation.Values.VALUE) {
                continue;
            }
            out.add(new Sample(s.labels, s.values.value(j)));
        }
        return out;
    }

    @Override
    public java.util.OptionalLong sampleTimeMillis(Labels labels, long atMillis) {
        for (Series s : series) {
            if (s.labels.equals(labels) && s.prev.length > 0 && atMillis >= 0) {
                int j = s.prev[(int) Math.min(s.prev.length - 1L, Math.min(atMillis, loadedUntil) / intervalMillis)];
                if (j >= 0) {
                    return java.util.OptionalLong.of(j * intervalMillis);
                }
            }
        }
        return java.util.OptionalLong.empty();
    }

    /**
     * Returns the raw bits of the input sample of {@code labels} at exactly {@code atMillis} (a staleness marker
     * included), or empty when the series has none then (omitted, not loaded, or no such input series).
     */
    java.util.OptionalLong valueBitsAt(Labels labels, long atMillis) {
        if (atMillis < 0 || atMillis > loadedUntil || atMillis % intervalMillis != 0 || !own.contains(labels)) {
            return java.util.OptionalLong.empty();
        }
        long k = atMillis / intervalMillis;
        for (Series s : series) {
            if (s.labels.equals(labels) && k < s.values.size()) {
                byte kind = s.values.kind((int) k);
                if (kind != SeriesNotation.Values.OMITTED) {
                    return java.util.OptionalLong.of(Double.doubleToRawLongBits(s.values.value((int) k)));
                }
            }
        }
        return java.util.OptionalLong.empty();
    }

    @Override
    public boolean hasTimestampedSamples() {
        return true;
    }

    @Override
    public boolean isOwnSeries(Labels labels) {
        return own.contains(labels);
    }

    @Override
    public void samplesBetween(long fromExclusive, long toUntil, SampleSink sink) {
        long toInclusive = Math.min(toUntil, loadedUntil);
        if (toInclusive < 0 || toInclusive <= fromExclusive) {
            return;
        }
        long first = fromExclusive < 0 ? 0 : fromExclusive / intervalMillis + 1;
        long last = toInclusive / intervalMillis;
        for (Series s : series) {
            long end = Math.min(last, s.values.size() - 1L);
            for (long k = first; k <= end; k++) {
                byte kind = s.values.kind((int) k);
                if (kind != SeriesNotation.Values.OMITTED) {
                    sink.accept(s.labels, k * intervalMillis, s.values.value((int) k),
                            kind == SeriesNotation.Values.STALE);
                }
            }
        }
    }
}
