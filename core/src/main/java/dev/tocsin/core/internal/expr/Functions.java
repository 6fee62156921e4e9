package dev.tocsin.core.internal.expr;

import static dev.tocsin.core.internal.expr.ValueType.INSTANT_VECTOR;
import static dev.tocsin.core.internal.expr.ValueType.RANGE_VECTOR;
import static dev.tocsin.core.internal.expr.ValueType.SCALAR;
import static dev.tocsin.core.internal.expr.ValueType.STRING;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The PromQL function table (names, argument types, result type), used to check calls while parsing. */
public final class Functions {

    /**
     * A function's signature.
     *
     * @param name the name
     * @param argTypes the argument types; with {@code variadic != 0} the last one may repeat or be omitted
     * @param variadic 0: exactly {@code argTypes}; n &gt; 0: the last argument is optional and may repeat up to n
     *     times; -1: the last argument may repeat without limit
     * @param returnType the result type
     */
    public record Signature(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {
        /** Copies the list. */
        public Signature {
            argTypes = List.copyOf(argTypes);
        }
    }

    private static final Map<String, Signature> TABLE = new HashMap<>();

    static {
        for (String f : new String[] {"abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh",
            "deg", "exp", "floor", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt",
            "tan", "tanh", "timestamp", "absent", "histogram_count", "histogram_sum", "histogram_avg",
            "histogram_stddev", "histogram_stdvar"}) {
            add(f, List.of(INSTANT_VECTOR), 0, INSTANT_VECTOR);
        }
        for (String f : new String[] {"absent_over_time", "avg_over_time", "changes", "count_over_time", "delta",
            "deriv", "idelta", "increase", "irate", "last_over_time", "max_over_time", "min_over_time",
            "present_over_time", "rate", "resets", "stddev_over_time", "stdvar_over_time", "sum_over_time"}) {
            add(f, List.of(RANGE_VECTOR), 0, INSTANT_VECTOR);
        }
        for (String f : new String[] {"day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute",
            "month", "year"}) {
            add(f, List.of(INSTANT_VECTOR), 1, INSTANT_VECTOR);
        }
        add("clamp", List.of(INSTANT_VECTOR, SCALAR, SCALAR), 0, INSTANT_VECTOR);
        add("clamp_max", List.of(INSTANT_VECTOR, SCALAR), 0, INSTANT_VECTOR);
        add("clamp_min", List.of(INSTANT_VECTOR, SCALAR), 0, INSTANT_VECTOR);
        add("histogram_quantile", List.of(SCALAR, INSTANT_VECTOR), 0, INSTANT_VECTOR);
        add("histogram_fraction", List.of(SCALAR, SCALAR, INSTANT_VECTOR), 0, INSTANT_VECTOR);
        add("holt_winters", List.of(RANGE_VECTOR, SCALAR, SCALAR), 0, INSTANT_VECTOR);
        add("label_replace", List.of(INSTANT_VECTOR, STRING, STRING, STRING, STRING), 0, INSTANT_VECTOR);
        add("label_join", List.of(INSTANT_VECTOR, STRING, STRING, STRING), -1, INSTANT_VECTOR);
        add("pi", List.of(), 0, SCALAR);
        add("predict_linear", List.of(RANGE_VECTOR, SCALAR), 0, INSTANT_VECTOR);
        add("quantile_over_time", List.of(SCALAR, RANGE_VECTOR), 0, INSTANT_VECTOR);
        add("round", List.of(INSTANT_VECTOR, SCALAR), 1, INSTANT_VECTOR);
        add("scalar", List.of(INSTANT_VECTOR), 0, SCALAR);
        add("time", List.of(), 0, SCALAR);
        add("vector", List.of(SCALAR), 0, INSTANT_VECTOR);
        // Not here: the functions later Prometheus versions added behind --enable-feature=promql-experimental-functions
        // (mad_over_time, sort_by_label, double_exponential_smoothing, info, ...), which Prometheus 2.42 does not know.
    }

    private Functions() {
    }

    private static void add(String name, List<ValueType> args, int variadic, ValueType ret) {
        TABLE.put(name, new Signature(name, args, variadic, ret));
    }

    /** Returns the signature of the named function, if PromQL has one of that name. */
    public static Optional<Signature> get(String name) {
        return Optional.ofNullable(TABLE.get(name));
    }
}
