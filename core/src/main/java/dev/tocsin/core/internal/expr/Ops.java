package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Labels;


/** Value and label helpers that reproduce Prometheus' (Go's) arithmetic and label handling. */
final class Ops {

    private Ops() {
    }

    /** PromQL's element-wise arithmetic ({@code vectorElemBinop} / {@code scalarBinop}) for non-comparisons. */
    static double arith(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case MOD: return a % b; // Java's % on doubles is C fmod, like Go's math.Mod
            case POW: return pow(a, b);
            case ATAN2: return GoTrig.atan2(a, b);
            default: throw new IllegalStateException("not arithmetic: " + op.symbol());
        }
    }

    /** Go's {@code math.Pow} (see {@link GoMath#pow}): Java's differs in the last digit for a third of inputs. */
    static double pow(double a, double b) {
        return GoMath.pow(a, b);
    }

    /** Whether Prometheus drops {@code __name__} from the result of this operator. */
    static boolean dropsName(BinaryOp op) {
        return op.kind() == BinaryOp.Kind.ARITHMETIC && op != BinaryOp.ATAN2; // 2.42 keeps it for atan2
    }

    /**
     * The matching key of a series: with {@code on}, the values of {@code names}; otherwise every label except
     * {@code __name__} and {@code names} (Prometheus' signature function). Absent and empty labels are the same.
     */
    static Object matchKey(Labels l, boolean on, String[] names) {
        // without on/ignoring, the signature is every label but the name: the label set itself (its hash is kept and
        // an aggregation's results have no name), without building a string per sample
        return !on && names.length == 0 ? l.withoutMetricName() : signature(l, on, names);
    }

    /**
     * Returns the matching signature of a label set as a string: the {@code on} labels, or every label but the
     * metric name and the {@code ignoring} ones.
     */
    static String signature(Labels l, boolean on, String[] names) {
        StringBuilder sb = new StringBuilder(64);
        if (on) {
            for (String n : names) {
                String v = l.get(n);
                if (!v.isEmpty()) {
                    append(sb, n, v);
                }
            }
        } else {
            outer:
            for (int i = 0; i < l.size(); i++) {
                String n = l.name(i);
                if (n.equals(Labels.METRIC_NAME)) {
                    continue;
                }
                for (String x : names) {
                    if (x.equals(n)) {
                        continue outer;
                    }
                }
                append(sb, n, l.value(i));
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String n, String v) {
        sb.append(n).append('=').append(v.length()).append(':').append(v).append(',');
    }

    /** Returns the labels restricted to {@code names}. */
    static Labels keep(Labels l, String[] names) {
        Labels out = Labels.empty();
        for (String n : names) {
            String v = l.get(n);
            if (!v.isEmpty()) {
                out = out.with(n, v); // few labels: cheaper than a builder
            }
        }
        return out;
    }

    /** Sets ({@code value} non-empty) or removes a label, as Prometheus' label builder does. */
    static Labels set(Labels l, String name, String value) {
        return value.isEmpty() ? l.without(name) : l.with(name, value);
    }

    /**
     * Go's {@code math.Max}, which Prometheus' {@code clamp} and {@code clamp_min} use: +Inf wins over NaN (Java's
     * {@code Math.max} gives NaN), then NaN wins, and +0 over -0.
     */
    static double goMax(double x, double y) {
        if (x == Double.POSITIVE_INFINITY || y == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(x, y);
    }

    /** Go's {@code math.Min}: -Inf wins over NaN, then NaN wins, and -0 over +0 (see {@link #goMax}). */
    static double goMin(double x, double y) {
        if (x == Double.NEGATIVE_INFINITY || y == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.min(x, y);
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}. */
    static String formatGoFloat(double v) {
        return dev.tocsin.core.internal.template.GoFloat.formatF(v);
    }
}
