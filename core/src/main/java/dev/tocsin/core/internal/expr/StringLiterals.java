package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;

/**
 * PromQL's quoted strings for other parsers of Prometheus' notations (the series notation of rule unit tests): the
 * same Go escape sequences as in expressions (newline, hex, unicode and octal escapes).
 */
public final class StringLiterals {

    private StringLiterals() {
    }

    /**
     * Returns the value of a PromQL string literal, quotes included (double or single quotes).
     *
     * @throws ExpressionException when it is not exactly one valid string literal (column 1 is its opening quote)
     */
    public static String unquote(String literal) {
        Source source = new Source(literal);
        Token t = new Lexer(source).next();
        if (t.type() != Token.Type.STRING || t.text().length() != literal.length()) {
            throw source.error(0, "not a single quoted string: " + literal);
        }
        return t.value();
    }
}
