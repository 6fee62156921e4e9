package dev.tocsin.core.internal.expr;

/** An expression failed while being evaluated (not while parsing); the rule's evaluation then changes nothing. */
public final class ExpressionEvaluationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message saying what failed. */
    public ExpressionEvaluationException(String message) {
        super(message);
    }
}
