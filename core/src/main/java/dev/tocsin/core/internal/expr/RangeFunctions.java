package dev.tocsin.core.internal.expr;

import java.util.Arrays;
import java.util.List;

/** PromQL's functions over range vectors, as in Prometheus 2.42's {@code promql/functions.go}. */
final class RangeFunctions {

    private static final List<String> NAMES = List.of("rate", "increase", "delta", "irate", "idelta", "deriv",
            "changes", "resets", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
            "count_over_time", "last_over_time", "quantile_over_time", "absent_over_time", "present_over_time",
            "stddev_over_time", "stdvar_over_time", "predict_linear", "holt_winters");

    // the codes of the functions: their index in NAMES (apply switches on them, not on the names, per series;
    // RangeFunctionCodesTest checks that each is its name's index)
    static final int RATE = 0;
    static final int INCREASE = 1;
    static final int DELTA = 2;
    static final int IRATE = 3;
    static final int IDELTA = 4;
    static final int DERIV = 5;
    static final int CHANGES = 6;
    static final int RESETS = 7;
    static final int AVG_OVER_TIME = 8;
    static final int MIN_OVER_TIME = 9;
    static final int MAX_OVER_TIME = 10;
    static final int SUM_OVER_TIME = 11;
    static final int COUNT_OVER_TIME = 12;
    static final int LAST_OVER_TIME = 13;
    static final int QUANTILE_OVER_TIME = 14;
    static final int ABSENT_OVER_TIME = 15;
    static final int PRESENT_OVER_TIME = 16;
    static final int STDDEV_OVER_TIME = 17;
    static final int STDVAR_OVER_TIME = 18;
    static final int PREDICT_LINEAR = 19;
    static final int HOLT_WINTERS = 20;

    private RangeFunctions() {
    }

    /** Returns the function's code, or -1 when it is not an implemented range function. */
    static int code(String name) {
        return NAMES.indexOf(name);
    }

    /** The non-stale samples of one series in a window, in reusable arrays; {@code ok} is the result flag. */
    static final class Window {
        long[] t = new long[16];
        double[] v = new double[16];
        int n;
        boolean ok;

        /** Loads the samples with {@code start <= time <= end}; returns whether there is any. */
        boolean load(History.Series s, long start, long end) {
            s.window(this, start, end);
            return n > 0;
        }

        /** Makes room for at least one more sample. */
        void grow() {
            t = Arrays.copyOf(t, t.length * 2);
            v = Arrays.copyOf(v, v.length * 2);
        }
    }

    /** Returns whether the series has a non-stale sample in {@code [start, end]}. */
    static boolean anyPoint(History.Series s, long start, long end) {
        for (int i = s.firstAtOrAfter(start); i < s.size() && s.time(i) <= end; i++) {
            if (!s.isStale(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies a range function; sets {@code w.ok} to whether there is a result.
     *
     * @param rangeStart {@code t - offset - range}, epoch milliseconds
     * @param rangeEnd {@code t - offset}
     * @param rangeMillis the range
     * @param param the scalar parameter ({@code quantile_over_time}, {@code predict_linear})
     * @param evalTime the evaluation time
     */
    static double apply(int code, Window w, long rangeStart, long rangeEnd, long rangeMillis, double param,
                        long evalTime) {
        return apply(code, w, rangeStart, rangeEnd, rangeMillis, param, Double.NaN, evalTime);
    }

    /** Like {@link #apply(int, Window, long, long, long, double, long)} with a second parameter. */
    static double apply(int code, Window w, long rangeStart, long rangeEnd, long rangeMillis, double param,
                        double param2, long evalTime) {
        w.ok = true;
        long[] t = w.t;
        double[] v = w.v;
        int n = w.n;
        switch (code) {
            case RATE: return extrapolatedRate(w, rangeStart, rangeEnd, rangeMillis, true, true);
            case INCREASE: return extrapolatedRate(w, rangeStart, rangeEnd, rangeMillis, true, false);
            case DELTA: return extrapolatedRate(w, rangeStart, rangeEnd, rangeMillis, false, false);
            case IRATE: return instantValue(w, true);
            case IDELTA: return instantValue(w, false);
            case DERIV:
                if (n < 2) {
                    w.ok = false;
                    return 0;
                }
                return linearRegression(t, v, n, t[0])[0];
            case PREDICT_LINEAR: {
                if (n < 2) {
                    w.ok = false;
                    return 0;
                }
                double[] si = linearRegression(t, v, n, evalTime);
                return si[0] * param + si[1];
            }
            case CHANGES: {
                int changes = 0;
                double prev = v[0];
                for (int i = 1; i < n; i++) {
                    double cur = v[i];
                    if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                        changes++;
                    }
                    prev = cur;
                }
                return changes;
            }
            case RESETS: {
                int resets = 0;
                double prev = v[0];
                for (int i = 1; i < n; i++) {
                    double cur = v[i];
                    if (cur < prev) {
                        resets++;
                    }
                    prev = cur;
                }
                return resets;
            }
            case AVG_OVER_TIME: {
                Kahan mean = new Kahan();
                double count = 0;
                for (int i = 0; i < n; i++) {
                    count++;
                    if (Double.isInfinite(mean.sum)) {
                        if (Double.isInfinite(v[i]) && (mean.sum > 0) == (v[i] > 0)) {
                            continue;
                        }
                        if (!Double.isInfinite(v[i]) && !Double.isNaN(v[i])) {
                            continue;
                        }
                    }
                    mean.add(v[i] / count - mean.sum / count);
                }
                return Double.isInfinite(mean.sum) ? mean.sum : mean.sum + mean.c;
            }
            case MIN_OVER_TIME: {
                double min = v[0];
                for (int i = 0; i < n; i++) {
                    if (v[i] < min || Double.isNaN(min)) {
                        min = v[i];
                    }
                }
                return min;
            }
            case MAX_OVER_TIME: {
                double max = v[0];
                for (int i = 0; i < n; i++) {
                    if (v[i] > max || Double.isNaN(max)) {
                        max = v[i];
                    }
                }
                return max;
            }
            case SUM_OVER_TIME: {
                Kahan sum = new Kahan();
                for (int i = 0; i < n; i++) {
                    sum.add(v[i]);
                }
                return Double.isInfinite(sum.sum) ? sum.sum : sum.sum + sum.c;
            }
            case COUNT_OVER_TIME: return n;
            case PRESENT_OVER_TIME: return 1;
            case LAST_OVER_TIME: return v[n - 1];
            case QUANTILE_OVER_TIME: return Compiler.quantile(param, Arrays.copyOf(v, n));
            case STDDEV_OVER_TIME: return Math.sqrt(variance(v, n));
            case STDVAR_OVER_TIME: return variance(v, n);
            case HOLT_WINTERS: return holtWinters(w, param, param2);
            default:
                throw new IllegalStateException("not a range function: " + NAMES.get(code));
        }
    }

    /** Prometheus 2.42's {@code holt_winters} (double exponential smoothing). */
    static double holtWinters(Window w, double sf, double tf) {
        if (sf <= 0 || sf >= 1) {
            throw Compiler.evalError("invalid smoothing factor. Expected: 0 < sf < 1, got: "
                    + String.format(java.util.Locale.ROOT, "%f", sf));
        }
        if (tf <= 0 || tf >= 1) {
            throw Compiler.evalError("invalid trend factor. Expected: 0 < tf < 1, got: "
                    + String.format(java.util.Locale.ROOT, "%f", tf));
        }
        int n = w.n;
        if (n < 2) {
            w.ok = false;
            return 0;
        }
        double[] v = w.v;
        double s0 = 0;
        double s1 = v[0];
        double b = v[1] - v[0];
        for (int i = 1; i < n; i++) {
            double x = sf * v[i];
            if (i - 1 != 0) {
                b = tf * (s1 - s0) + (1 - tf) * b;
            }
            double y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        return s1;
    }

    private static double variance(double[] v, int n) {
        double count = 0;
        Kahan mean = new Kahan();
        Kahan aux = new Kahan();
        for (int i = 0; i < n; i++) {
            count++;
            double delta = v[i] - (mean.sum + mean.c);
            mean.add(delta / count);
            aux.add(delta * (v[i] - (mean.sum + mean.c)));
        }
        return (aux.sum + aux.c) / count;
    }

    /** Kahan-Neumaier summation, as Prometheus' {@code kahanSumInc}: the sum and its compensation. */
    static final class Kahan {
        double sum;
        double c;

        void add(double inc) {
            double t = sum + inc;
            if (Math.abs(sum) >= Math.abs(inc)) {
                c += (sum - t) + inc;
            } else {
                c += (inc - t) + sum;
            }
            sum = t;
        }
    }

    /**
     * Prometheus' {@code extrapolatedRate} for {@code rate}, {@code increase} and {@code delta}: counter resets add
     * the value before the reset, and the result is extrapolated to the window's edges when the first and last
     * samples are close to them (within 1.1 average sample intervals), else by half an interval; a counter is not
     * extrapolated below zero.
     */
    static double extrapolatedRate(Window w, long rangeStart, long rangeEnd, long rangeMillis, boolean isCounter,
                                   boolean isRate) {
        int n = w.n;
        if (n < 2) {
            w.ok = false;
            return 0;
        }
        long[] t = w.t;
        double[] v = w.v;
        double result = v[n - 1] - v[0];
        if (isCounter) {
            double last = 0;
            for (int i = 0; i < n; i++) {
                if (v[i] < last) {
                    result += last;
                }
                last = v[i];
            }
        }
        double durationToStart = (t[0] - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - t[n - 1]) / 1000.0;
        double sampledInterval = (t[n - 1] - t[0]) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / (n - 1);
        if (isCounter && result > 0 && v[0] >= 0) {
            double durationToZero = sampledInterval * (v[0] / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double threshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
        extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
        // one factor, divided by the range for a rate, then one multiplication: Prometheus 2.42's rounding
        double factor = extrapolateToInterval / sampledInterval;
        if (isRate) {
            factor /= rangeMillis / 1000.0;
        }
        return result * factor;
    }

    /** Prometheus' {@code instantValue} for {@code irate} and {@code idelta}: the last two samples. */
    static double instantValue(Window w, boolean isRate) {
        int n = w.n;
        if (n < 2) {
            w.ok = false;
            return 0;
        }
        double last = w.v[n - 1];
        double prev = w.v[n - 2];
        double result = isRate && last < prev ? last : last - prev;
        long interval = w.t[n - 1] - w.t[n - 2];
        if (interval == 0) {
            w.ok = false;
            return 0;
        }
        if (isRate) {
            result /= interval / 1000.0;
        }
        return result;
    }

    /** Prometheus' {@code linearRegression}: returns {slope, intercept} at {@code interceptTime}. */
    static double[] linearRegression(long[] t, double[] v, int n, long interceptTime) {
        double count = 0;
        Kahan kx = new Kahan();
        Kahan ky = new Kahan();
        Kahan kxy = new Kahan();
        Kahan kx2 = new Kahan();
        double initY = v[0];
        boolean constY = true;
        for (int i = 0; i < n; i++) {
            if (constY && i > 0 && v[i] != initY) {
                constY = false;
            }
            count++;
            double x = (t[i] - interceptTime) / 1e3;
            kx.add(x);
            ky.add(v[i]);
            kxy.add(x * v[i]);
            kx2.add(x * x);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        double sumX = kx.sum + kx.c;
        double sumY = ky.sum + ky.c;
        double sumXY = kxy.sum + kxy.c;
        double sumX2 = kx2.sum + kx2.c;
        double covXY = sumXY - sumX * sumY / count;
        double varX = sumX2 - sumX * sumX / count;
        double slope = covXY / varX;
        double intercept = sumY / count - slope * sumX / count;
        return new double[] {slope, intercept};
    }
}
