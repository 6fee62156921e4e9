package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;

/** The expression text, turning offsets into 1-based line and column (counted in Unicode code points). */
final class Source {

    private final String text;

    Source(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    /** Returns an exception located at {@code offset} (clamped to the text). */
    ExpressionException error(int offset, String detail) {
        return exception(offset, detail, false);
    }

    /**
     * Returns an exception for valid PromQL that Tocsin does not evaluate, located at {@code offset} (see
     * {@link ExpressionException#isUnsupported()}).
     */
    ExpressionException unsupported(int offset, String detail) {
        return exception(offset, detail, true);
    }

    private ExpressionException exception(int offset, String detail, boolean unsupported) {
        int end = Math.max(0, Math.min(offset, text.length()));
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < end; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        int column = text.codePointCount(lineStart, end) + 1;
        return new ExpressionException(line, column, detail, unsupported);
    }
}
