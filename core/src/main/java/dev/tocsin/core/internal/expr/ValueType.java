package dev.tocsin.core.internal.expr;

/** The PromQL value types an expression node can produce. */
public enum ValueType {
    /** A single number. */
    SCALAR("scalar"),
    /** A string literal. */
    STRING("string"),
    /** One sample per series at one instant. */
    INSTANT_VECTOR("instant vector"),
    /** A window of samples per series. */
    RANGE_VECTOR("range vector");

    private final String description;

    ValueType(String description) {
        this.description = description;
    }

    /** Returns the name PromQL's messages use, e.g. {@code "instant vector"}. */
    public String description() {
        return description;
    }
}
