package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;

/**
 * A parsed PromQL expression. Parse once with {@link #parse(String)}, evaluate every cycle.
 *
 * <p>PLACEHOLDER: replaced by the real parser (tokens, AST, evaluator).
 */
public final class Expression {

    private final String text;

    private Expression(String text) {
        this.text = text;
    }

    /**
     * Parses an expression.
     *
     * @throws ExpressionException with line, column and what was expected when malformed or unsupported
     */
    public static Expression parse(String text) {
        throw new ExpressionException(1, 1, "expressions are not implemented yet: " + text);
    }

    /** Returns the source text. */
    public String text() {
        return text;
    }

    /**
     * Evaluates the expression against one evaluation's metrics.
     *
     * @return the resulting instant vector
     * @throws ExpressionEvaluationException when evaluation fails (the rule then changes nothing)
     */
    public Vector evaluate(EvalContext ctx) {
        throw new ExpressionEvaluationException("not implemented");
    }
}
