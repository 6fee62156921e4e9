package dev.tocsin.core.internal.expr;

import java.util.List;

/**
 * A node of a parsed PromQL expression. The full PromQL grammar is represented, even where evaluation is not
 * implemented yet; {@link Compiler} decides what can be evaluated. Equality ignores source positions ({@link Pos}).
 */
public sealed interface Node {

    /** Returns the type of value this node produces. */
    ValueType type();

    /** Returns where the node starts in the source. */
    Pos pos();

    /**
     * A number literal such as {@code 1}, {@code 0x1F}, {@code 1.5e3}, {@code Inf} or {@code NaN}; unary minus on a
     * literal is folded into its value, as Prometheus does.
     *
     * @param value the value
     * @param pos the position
     */
    record NumberLiteral(double value, Pos pos) implements Node {
        @Override
        public ValueType type() {
            return ValueType.SCALAR;
        }

        @Override
        public boolean equals(Object o) {
            // Bitwise, so that NaN equals NaN and -0 differs from 0 (ASTs are values).
            return o instanceof NumberLiteral
                    && Double.doubleToLongBits(((NumberLiteral) o).value) == Double.doubleToLongBits(value);
        }

        @Override
        public int hashCode() {
            return Double.hashCode(value);
        }
    }

    /**
     * A string literal.
     *
     * @param value the unquoted value
     * @param pos the position
     */
    record StringLiteral(String value, Pos pos) implements Node {
        @Override
        public ValueType type() {
            return ValueType.STRING;
        }
    }

    /**
     * The time modifiers {@code offset} and {@code @} of a selector or subquery.
     *
     * @param hasOffset whether {@code offset} was given
     * @param offsetMillis the offset (may be negative)
     * @param at {@code ""} when no {@code @} was given, else {@code "start()"}, {@code "end()"} or the timestamp in
     *     seconds as written
     */
    record Modifiers(boolean hasOffset, long offsetMillis, String at) {
        /** No modifiers. */
        public static final Modifiers NONE = new Modifiers(false, 0, "");

        /** Returns whether any modifier is present. */
        public boolean any() {
            return hasOffset || !at.isEmpty();
        }

        /** Returns a copy with the offset set. */
        public Modifiers withOffset(long millis) {
            return new Modifiers(true, millis, at);
        }

        /** Returns a copy with the {@code @} timestamp set. */
        public Modifiers withAt(String newAt) {
            return new Modifiers(hasOffset, offsetMillis, newAt);
        }
    }

    /**
     * An instant vector selector such as {@code up{job="api"}}.
     *
     * @param metricName the metric name written before the braces, or {@code ""}
     * @param matchers the label matchers written inside the braces (a metric name is not repeated here)
     * @param modifiers offset and {@code @}
     * @param pos the position
     */
    record VectorSelector(String metricName, List<LabelMatcher> matchers, Modifiers modifiers, Pos pos)
            implements Node {
        /** Copies the matcher list. */
        public VectorSelector {
            matchers = List.copyOf(matchers);
        }

        @Override
        public ValueType type() {
            return ValueType.INSTANT_VECTOR;
        }

        /** Returns a copy with other modifiers. */
        public VectorSelector withModifiers(Modifiers m) {
            return new VectorSelector(metricName, matchers, m, pos);
        }
    }

    /**
     * A range vector selector such as {@code x[5m]}.
     *
     * @param selector the selected series (carries offset and {@code @})
     * @param rangeMillis the window length
     * @param pos the position
     */
    record MatrixSelector(VectorSelector selector, long rangeMillis, Pos pos) implements Node {
        @Override
        public ValueType type() {
            return ValueType.RANGE_VECTOR;
        }
    }

    /**
     * A subquery such as {@code rate(x[1m])[5m:30s]}.
     *
     * @param expr the inner instant-vector expression
     * @param rangeMillis the window length
     * @param stepMillis the resolution, 0 for the default
     * @param modifiers offset and {@code @}
     * @param pos the position
     */
    record Subquery(Node expr, long rangeMillis, long stepMillis, Modifiers modifiers, Pos pos) implements Node {
        @Override
        public ValueType type() {
            return ValueType.RANGE_VECTOR;
        }
    }

    /**
     * A function call such as {@code rate(x[5m])}.
     *
     * @param function the function name
     * @param args the arguments
     * @param pos the position
     */
    record Call(String function, List<Node> args, Pos pos) implements Node {
        /** Copies the argument list. */
        public Call {
            args = List.copyOf(args);
        }

        @Override
        public ValueType type() {
            return Functions.get(function).map(Functions.Signature::returnType).orElse(ValueType.INSTANT_VECTOR);
        }
    }

    /**
     * An aggregation such as {@code sum by (job) (x)} or {@code topk(3, x)}.
     *
     * @param op the aggregation operator, lower case
     * @param params the parameter before the vector ({@code topk}, {@code quantile}, ...), empty or one element
     * @param expr the aggregated vector
     * @param grouping the labels of {@code by}/{@code without}
     * @param without whether {@code without} (not {@code by}) was used
     * @param pos the position
     */
    record Aggregate(String op, List<Node> params, Node expr, List<String> grouping, boolean without, Pos pos)
            implements Node {
        /** Copies the lists. */
        public Aggregate {
            params = List.copyOf(params);
            grouping = List.copyOf(grouping);
        }

        @Override
        public ValueType type() {
            return ValueType.INSTANT_VECTOR;
        }
    }

    /**
     * The vector matching clause of a binary operation: {@code on(...)}/{@code ignoring(...)} and
     * {@code group_left(...)}/{@code group_right(...)}.
     *
     * @param on whether {@code on} (not {@code ignoring}) was given
     * @param labels the matching labels
     * @param group {@code ""}, {@code "left"} or {@code "right"}
     * @param include the labels copied from the "one" side by {@code group_x(...)}
     */
    record VectorMatching(boolean on, List<String> labels, String group, List<String> include) {
        /** Copies the lists. */
        public VectorMatching {
            labels = List.copyOf(labels);
            include = List.copyOf(include);
        }
    }

    /**
     * A binary operation such as {@code x > 1} or {@code a / on(job) b}.
     *
     * @param op the operator
     * @param lhs the left operand
     * @param rhs the right operand
     * @param returnBool whether {@code bool} was given
     * @param matching the vector matching clause, or {@code null} when none was written
     * @param pos the position of the operator
     */
    record Binary(BinaryOp op, Node lhs, Node rhs, boolean returnBool, VectorMatching matching, Pos pos)
            implements Node {
        @Override
        public ValueType type() {
            return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
                    ? ValueType.SCALAR : ValueType.INSTANT_VECTOR;
        }
    }

    /**
     * Unary minus or plus on a non-literal, such as {@code -x}.
     *
     * @param negate true for {@code -}, false for {@code +}
     * @param expr the operand
     * @param pos the position
     */
    record Unary(boolean negate, Node expr, Pos pos) implements Node {
        @Override
        public ValueType type() {
            return expr.type();
        }
    }

    /**
     * A parenthesised expression.
     *
     * @param expr the inner expression
     * @param pos the position of the opening parenthesis
     */
    record Paren(Node expr, Pos pos) implements Node {
        @Override
        public ValueType type() {
            return expr.type();
        }
    }
}
