package dev.tocsin.core.internal.expr;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One label matcher of a selector, e.g. {@code job=~"api|web"}. A label missing from a series matches as the empty
 * string. Regular expressions are fully anchored and compiled once, when the matcher is created.
 *
 * @param name the label name
 * @param op the match operator
 * @param value the string to compare with, or the regular expression as written (RE2 syntax)
 * @param pos where the matcher starts
 * @param predicate the compiled test of a label value (excluded from equality)
 */
public record LabelMatcher(String name, MatchOp op, String value, Pos pos, Predicate<String> predicate) {

    /** The four matcher operators. */
    public enum MatchOp {
        /** {@code =}. */
        EQUAL("="),
        /** {@code !=}. */
        NOT_EQUAL("!="),
        /** {@code =~}. */
        REGEX("=~"),
        /** {@code !~}. */
        NOT_REGEX("!~");

        private final String symbol;

        MatchOp(String symbol) {
            this.symbol = symbol;
        }

        /** Returns the operator as written. */
        public String symbol() {
            return symbol;
        }

        /** Returns whether this is {@code =~} or {@code !~}. */
        public boolean isRegex() {
            return this == REGEX || this == NOT_REGEX;
        }
    }

    /** Validates the components. */
    public LabelMatcher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(predicate, "predicate");
    }

    /**
     * Creates a matcher, compiling a regular expression once.
     *
     * @throws RegexTranslator.RegexException when the regular expression is invalid or outside the supported dialect
     */
    public static LabelMatcher of(String name, MatchOp op, String value, Pos pos)
            throws RegexTranslator.RegexException {
        Predicate<String> p;
        switch (op) {
            case EQUAL:
                p = value::equals;
                break;
            case NOT_EQUAL:
                p = v -> !value.equals(v);
                break;
            case REGEX:
                p = RegexTranslator.compileAnchored(value);
                break;
            default:
                Predicate<String> re = RegexTranslator.compileAnchored(value);
                p = v -> !re.test(v);
                break;
        }
        return new LabelMatcher(name, op, value, pos, p);
    }

    /** Returns whether a series whose label has {@code labelValue} ("" when absent) is selected. */
    public boolean matches(String labelValue) {
        return predicate.test(labelValue);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher
                && ((LabelMatcher) o).name.equals(name)
                && ((LabelMatcher) o).op == op
                && ((LabelMatcher) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, op, value);
    }

    @Override
    public String toString() {
        return name + op.symbol() + Printer.quote(value);
    }
}
