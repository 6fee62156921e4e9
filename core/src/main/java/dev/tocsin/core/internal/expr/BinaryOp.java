package dev.tocsin.core.internal.expr;

/**
 * PromQL binary operators with their precedence (higher binds tighter) and associativity, as in Prometheus' grammar:
 * {@code or} &lt; {@code and unless} &lt; comparisons &lt; {@code + -} &lt; {@code * / % atan2} &lt; {@code ^}
 * (right-associative).
 */
public enum BinaryOp {
    /** {@code or}. */
    OR("or", 1, Kind.SET),
    /** {@code and}. */
    AND("and", 2, Kind.SET),
    /** {@code unless}. */
    UNLESS("unless", 2, Kind.SET),
    /** {@code ==}. */
    EQL("==", 3, Kind.COMPARISON),
    /** {@code !=}. */
    NEQ("!=", 3, Kind.COMPARISON),
    /** {@code >}. */
    GTR(">", 3, Kind.COMPARISON),
    /** {@code <}. */
    LSS("<", 3, Kind.COMPARISON),
    /** {@code >=}. */
    GTE(">=", 3, Kind.COMPARISON),
    /** {@code <=}. */
    LTE("<=", 3, Kind.COMPARISON),
    /** {@code +}. */
    ADD("+", 4, Kind.ARITHMETIC),
    /** {@code -}. */
    SUB("-", 4, Kind.ARITHMETIC),
    /** {@code *}. */
    MUL("*", 5, Kind.ARITHMETIC),
    /** {@code /}. */
    DIV("/", 5, Kind.ARITHMETIC),
    /** {@code %}. */
    MOD("%", 5, Kind.ARITHMETIC),
    /** {@code atan2}. */
    ATAN2("atan2", 5, Kind.ARITHMETIC),
    /** {@code ^}, right-associative. */
    POW("^", 6, Kind.ARITHMETIC);

    /** The operator families, which decide the allowed modifiers and the result semantics. */
    public enum Kind {
        /** {@code and or unless}: vector-only, many-to-many. */
        SET,
        /** {@code == != > < >= <=}: filter, or 0/1 with {@code bool}. */
        COMPARISON,
        /** {@code + - * / % ^ atan2}. */
        ARITHMETIC
    }

    /** The precedence of unary {@code -}/{@code +}: like {@code *}, so only {@code ^} binds tighter. */
    public static final int UNARY_OPERAND_PRECEDENCE = 6;

    private final String symbol;
    private final int precedence;
    private final Kind kind;

    BinaryOp(String symbol, int precedence, Kind kind) {
        this.symbol = symbol;
        this.precedence = precedence;
        this.kind = kind;
    }

    /** Returns the operator as written, e.g. {@code ">="} or {@code "and"}. */
    public String symbol() {
        return symbol;
    }

    /** Returns the precedence, 1 (loosest) to 6 (tightest). */
    public int precedence() {
        return precedence;
    }

    /** Returns whether {@code a op b op c} groups as {@code a op (b op c)}. */
    public boolean rightAssociative() {
        return this == POW;
    }

    /** Returns the operator family. */
    public Kind kind() {
        return kind;
    }

    /** Returns whether this is a comparison operator. */
    public boolean isComparison() {
        return kind == Kind.COMPARISON;
    }

    /** Returns whether this is a set operator ({@code and or unless}). */
    public boolean isSet() {
        return kind == Kind.SET;
    }

    /** Compares two doubles with IEEE semantics (NaN compares false except with {@code !=}). */
    public boolean compare(double a, double b) {
        switch (this) {
            case EQL: return a == b;
            case NEQ: return a != b;
            case GTR: return a > b;
            case LSS: return a < b;
            case GTE: return a >= b;
            case LTE: return a <= b;
            default: throw new IllegalStateException("not a comparison: " + symbol);
        }
    }
}
