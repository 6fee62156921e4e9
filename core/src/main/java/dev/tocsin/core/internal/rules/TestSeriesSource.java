package dev.tocsin.core.internal.rules;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.RawSeriesSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The input series of one promtool test group, read as a PromQL instant query would at the current evaluation time:
 * each series' latest sample at or before it, at most 5 minutes old (inclusive, as Prometheus 2.x), and none when
 * that latest sample is a staleness marker.
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
    private volatile long nowMillis;

    TestSeriesSource(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    void add(Labels labels, SeriesNotation.Values values) {
        series.add(new Series(labels, values));
    }

    void setNow(long millis) {
        this.nowMillis = millis;
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
            long k = Math.min(s.prev.length - 1L, now / intervalMillis);
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
}
