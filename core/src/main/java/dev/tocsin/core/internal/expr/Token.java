package dev.tocsin.core.internal.expr;

/**
 * One lexical token.
 *
 * @param type the token type
 * @param text the source text of the token
 * @param offset the 0-based offset of its first character
 * @param value the unquoted value of a string, else the text
 */
record Token(Type type, String text, int offset, String value) {

    /** Token types; keywords are recognised case-insensitively, as in PromQL. */
    enum Type {
        EOF, IDENTIFIER, METRIC_IDENTIFIER, NUMBER, STRING, DURATION,
        LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE, LEFT_BRACKET, RIGHT_BRACKET, COMMA, COLON, AT,
        /** {@code =} (matcher only). */
        EQL, EQL_REGEX, NEQ_REGEX,
        ADD, SUB, MUL, DIV, MOD, POW, EQLC, NEQ, LSS, GTR, LTE, GTE,
        LAND, LOR, LUNLESS, ATAN2,
        /** Any aggregation operator ({@code sum}, {@code topk}, ...); the text says which. */
        AGGREGATOR,
        OFFSET, BY, WITHOUT, ON, IGNORING, GROUP_LEFT, GROUP_RIGHT, BOOL, START, END;

        /** Returns whether this is a keyword (including word operators and aggregators). */
        boolean isKeyword() {
            return ordinal() >= LAND.ordinal();
        }
    }

    /** Returns the token as PromQL's messages describe it, e.g. {@code identifier "up"} or {@code "}"}. */
    String describe() {
        switch (type) {
            case EOF: return "end of input";
            case IDENTIFIER: return "identifier \"" + text + "\"";
            case METRIC_IDENTIFIER: return "metric identifier \"" + text + "\"";
            case NUMBER: return "number \"" + text + "\"";
            case STRING: return "string " + Printer.quote(value);
            case DURATION: return "duration \"" + text + "\"";
            default:
                if (type.isKeyword()) {
                    return "<" + text.toLowerCase(java.util.Locale.ROOT) + ">";
                }
                return "\"" + text + "\"";
        }
    }

    /** Returns the binary operator this token denotes, or null. */
    BinaryOp binaryOp() {
        switch (type) {
            case LOR: return BinaryOp.OR;
            case LAND: return BinaryOp.AND;
            case LUNLESS: return BinaryOp.UNLESS;
            case EQLC: return BinaryOp.EQL;
            case NEQ: return BinaryOp.NEQ;
            case GTR: return BinaryOp.GTR;
            case LSS: return BinaryOp.LSS;
            case GTE: return BinaryOp.GTE;
            case LTE: return BinaryOp.LTE;
            case ADD: return BinaryOp.ADD;
            case SUB: return BinaryOp.SUB;
            case MUL: return BinaryOp.MUL;
            case DIV: return BinaryOp.DIV;
            case MOD: return BinaryOp.MOD;
            case ATAN2: return BinaryOp.ATAN2;
            case POW: return BinaryOp.POW;
            default: return null;
        }
    }
}
