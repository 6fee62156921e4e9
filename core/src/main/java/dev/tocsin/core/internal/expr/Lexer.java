package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.internal.expr.Token.Type;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * PromQL tokenizer, producing tokens on demand. Like Prometheus' lexer it is context-sensitive: inside braces
 * keywords are plain identifiers and identifiers may not contain {@code :}; inside brackets only durations, numbers
 * and {@code :} are expected.
 */
final class Lexer {

    private static final Map<String, Type> KEYWORDS = Map.ofEntries(
            Map.entry("and", Type.LAND), Map.entry("or", Type.LOR), Map.entry("unless", Type.LUNLESS),
            Map.entry("atan2", Type.ATAN2),
            Map.entry("sum", Type.AGGREGATOR), Map.entry("avg", Type.AGGREGATOR), Map.entry("count", Type.AGGREGATOR),
            Map.entry("min", Type.AGGREGATOR), Map.entry("max", Type.AGGREGATOR), Map.entry("group", Type.AGGREGATOR),
            Map.entry("stddev", Type.AGGREGATOR), Map.entry("stdvar", Type.AGGREGATOR),
            Map.entry("topk", Type.AGGREGATOR), Map.entry("bottomk", Type.AGGREGATOR),
            Map.entry("count_values", Type.AGGREGATOR), Map.entry("quantile", Type.AGGREGATOR),
            Map.entry("offset", Type.OFFSET), Map.entry("by", Type.BY), Map.entry("without", Type.WITHOUT),
            Map.entry("on", Type.ON), Map.entry("ignoring", Type.IGNORING), Map.entry("group_left", Type.GROUP_LEFT),
            Map.entry("group_right", Type.GROUP_RIGHT), Map.entry("bool", Type.BOOL),
            Map.entry("start", Type.START), Map.entry("end", Type.END),
            Map.entry("inf", Type.NUMBER), Map.entry("nan", Type.NUMBER));

    private final Source source;
    private final String in;
    private int pos;
    private int parenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;
    /** Whether the last token was {@code [}: Prometheus then lexes a duration only ("bad duration syntax"). */
    private boolean afterLeftBracket;
    private boolean gotColon;
    private boolean done;

    Lexer(Source source) {
        this.source = source;
        this.in = source.text();
    }

    /** Returns the next token, skipping spaces and comments; EOF forever at the end. */
    Token next() {
        while (true) {
            if (done) {
                return new Token(Type.EOF, "", in.length(), "");
            }
            Token t = braceOpen ? insideBraces() : statements();
            if (t != null) {
                return t;
            }
        }
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isAlpha(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphaNumeric(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private int peek(int ahead) {
        int k = pos + ahead;
        return k < in.length() ? in.charAt(k) : -1;
    }

    private Token emit(Type type, int start) {
        afterLeftBracket = type == Type.LEFT_BRACKET;
        String text = in.substring(start, pos);
        return new Token(type, text, start, text);
    }

    /** Skips spaces/comments; returns null so that the caller loops. */
    private Token skip() {
        if (in.charAt(pos) == '#') {
            while (pos < in.length() && in.charAt(pos) != '\n' && in.charAt(pos) != '\r') {
                pos++;
            }
        } else {
            while (pos < in.length() && isSpace(in.charAt(pos))) {
                pos++;
            }
        }
        return null;
    }

    private Token statements() {
        if (pos >= in.length()) {
            if (parenDepth != 0) {
                throw source.error(pos, "unclosed left parenthesis");
            }
            if (bracketOpen) {
                throw source.error(pos, "unclosed left bracket");
            }
            done = true;
            return new Token(Type.EOF, "", pos, "");
        }
        int start = pos;
        char c = in.charAt(pos);
        if (c == '#' || isSpace(c)) {
            return skip();
        }
        pos++;
        switch (c) {
            case ',': return emit(Type.COMMA, start);
            case '*': return emit(Type.MUL, start);
            case '/': return emit(Type.DIV, start);
            case '%': return emit(Type.MOD, start);
            case '+': return emit(Type.ADD, start);
            case '-': return emit(Type.SUB, start);
            case '^': return emit(Type.POW, start);
            case '@': return emit(Type.AT, start);
            case '=':
                if (peek(0) == '=') {
                    pos++;
                    return emit(Type.EQLC, start);
                }
                if (peek(0) == '~') {
                    throw source.error(start, "unexpected character after '=': '~'");
                }
                return emit(Type.EQL, start);
            case '!':
                if (peek(0) != '=') {
                    throw source.error(start, "unexpected character after '!': " + describeChar(peek(0)));
                }
                pos++;
                return emit(Type.NEQ, start);
            case '<':
                if (peek(0) == '=') {
                    pos++;
                    return emit(Type.LTE, start);
                }
                return emit(Type.LSS, start);
            case '>':
                if (peek(0) == '=') {
                    pos++;
                    return emit(Type.GTE, start);
                }
                return emit(Type.GTR, start);
            case '"':
            case '\'':
                return string(start, c);
            case '`':
                return rawString(start);
            case '(':
                parenDepth++;
                return emit(Type.LEFT_PAREN, start);
            case ')':
                parenDepth--;
                if (parenDepth < 0) {
                    throw source.error(start, "unexpected right parenthesis ')'");
                }
                return emit(Type.RIGHT_PAREN, start);
            case '{':
                braceOpen = true;
                return emit(Type.LEFT_BRACE, start);
            case '[':
                if (bracketOpen) {
                    throw source.error(start, "unexpected left bracket '['");
                }
                gotColon = false;
                bracketOpen = true;
                return emit(Type.LEFT_BRACKET, start);
            case ']':
                if (!bracketOpen) {
                    throw source.error(start, "unexpected right bracket ']'");
                }
                bracketOpen = false;
                return emit(Type.RIGHT_BRACKET, start);
            default:
                break;
        }
        if (isDigit(c) || (c == '.' && isDigit(peek(0)))) {
            pos = start;
            return numberOrDuration(start);
        }
        if (isAlpha(c) || c == ':') {
            if (!bracketOpen) {
                pos = start;
                return keywordOrIdentifier(start);
            }
            if (c == ':') {
                if (gotColon) {
                    throw source.error(start, "unexpected colon ':'");
                }
                gotColon = true;
                return emit(Type.COLON, start);
            }
            throw source.error(start, "unexpected character: " + describeChar(c) + ", expected ':'");
        }
        throw source.error(start, "unexpected character: " + describeChar(in.codePointAt(start)));
    }

    private Token insideBraces() {
        if (pos >= in.length()) {
            throw source.error(pos, "unexpected end of input inside braces");
        }
        int start = pos;
        char c = in.charAt(pos);
        if (c == '#' || isSpace(c)) {
            return skip();
        }
        pos++;
        if (isAlpha(c)) {
            while (pos < in.length() && isAlphaNumeric(in.charAt(pos))) {
                pos++;
            }
            return emit(Type.IDENTIFIER, start);
        }
        switch (c) {
            case ',': return emit(Type.COMMA, start);
            case '"':
            case '\'':
                return string(start, c);
            case '`':
                return rawString(start);
            case '=':
                if (peek(0) == '~') {
                    pos++;
                    return emit(Type.EQL_REGEX, start);
                }
                return emit(Type.EQL, start);
            case '!':
                if (peek(0) == '~') {
                    pos++;
                    return emit(Type.NEQ_REGEX, start);
                }
                if (peek(0) == '=') {
                    pos++;
                    return emit(Type.NEQ, start);
                }
                throw source.error(start, "unexpected character after '!' inside braces: " + describeChar(peek(0)));
            case '{':
                throw source.error(start, "unexpected left brace '{'");
            case '}':
                braceOpen = false;
                return emit(Type.RIGHT_BRACE, start);
            default:
                throw source.error(start, "unexpected character inside braces: "
                        + describeChar(in.codePointAt(start)));
        }
    }

    static String describeChar(int c) {
        if (c < 0) {
            return "end of input";
        }
        if (c == '\'') {
            return "'\\''";
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("'\\x%02x'", c);
        }
        return "'" + new String(Character.toChars(c)) + "'";
    }

    private Token keywordOrIdentifier(int start) {
        boolean colon = false;
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (isAlphaNumeric(c) || c == ':') {
                colon |= c == ':';
                pos++;
            } else {
                break;
            }
        }
        String word = in.substring(start, pos);
        Type kw = KEYWORDS.get(word.toLowerCase(Locale.ROOT));
        if (kw != null) {
            return new Token(kw, word, start, word);
        }
        return new Token(colon ? Type.METRIC_IDENTIFIER : Type.IDENTIFIER, word, start, word);
    }

    private boolean accept(String valid) {
        if (pos < in.length() && valid.indexOf(in.charAt(pos)) >= 0) {
            pos++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consume
        }
    }

    private Token numberOrDuration(int start) {
        String digits = "0123456789";
        if (accept("0") && accept("xX")) {
            digits = "0123456789abcdefABCDEF";
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (accept("eE")) {
            accept("+-");
            acceptRun("0123456789");
        }
        if (!isAlphaNumeric(peek(0))) {
            return emit(Type.NUMBER, start);
        }
        // A duration: a unit, then optionally more number/unit pairs, then a non-alphanumeric.
        if (accept("smhdwy")) {
            accept("s");
            while (accept("0123456789")) {
                acceptRun("0123456789");
                if (!accept("smhdw")) {
                    throw badDuration(start);
                }
                accept("s");
            }
            if (!isAlphaNumeric(peek(0))) {
                return emit(Type.DURATION, start);
            }
            pos++;
        }
        throw badDuration(start);
    }

    private ExpressionException badDuration(int start) {
        return source.error(start, (afterLeftBracket ? "bad duration syntax: \"" : "bad number or duration syntax: \"")
                + in.substring(start, pos) + "\"");
    }

    private Token rawString(int start) {
        int end = in.indexOf('`', pos);
        if (end < 0) {
            throw source.error(start, "unterminated raw string");
        }
        pos = end + 1;
        return new Token(Type.STRING, in.substring(start, pos), start, in.substring(start + 1, end));
    }

    /** Scans a quoted string, decoding Go escape sequences (\x and octal escapes are bytes of UTF-8). */
    private Token string(int start, char quote) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int runStart = pos;
        while (true) {
            if (pos >= in.length() || in.charAt(pos) == '\n') {
                throw source.error(start, "unterminated quoted string");
            }
            char c = in.charAt(pos);
            if (c == quote) {
                flush(bytes, runStart, pos);
                pos++;
                return new Token(Type.STRING, in.substring(start, pos), start, decode(bytes));
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            flush(bytes, runStart, pos);
            pos++;
            escape(bytes, start, quote);
            runStart = pos;
        }
    }

    private void flush(ByteArrayOutputStream bytes, int from, int to) {
        byte[] b = in.substring(from, to).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
    }

    private static String decode(ByteArrayOutputStream bytes) {
        // Invalid UTF-8 from \x or octal escapes becomes U+FFFD (Go would keep the raw bytes).
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private void escape(ByteArrayOutputStream bytes, int start, char quote) {
        if (pos >= in.length()) {
            throw source.error(start, "escape sequence not terminated");
        }
        char ch = in.charAt(pos++);
        switch (ch) {
            case 'a': bytes.write(7); return;
            case 'b': bytes.write(8); return;
            case 'f': bytes.write(12); return;
            case 'n': bytes.write(10); return;
            case 'r': bytes.write(13); return;
            case 't': bytes.write(9); return;
            case 'v': bytes.write(11); return;
            case '\\': bytes.write('\\'); return;
            default:
                break;
        }
        if (ch == quote) {
            bytes.write(quote);
            return;
        }
        int n;
        int base;
        long max;
        boolean isByte;
        if (ch >= '0' && ch <= '7') {
            n = 3;
            base = 8;
            max = 255;
            isByte = true;
            pos--;
        } else if (ch == 'x') {
            n = 2;
            base = 16;
            max = 255;
            isByte = true;
        } else if (ch == 'u') {
            n = 4;
            base = 16;
            max = Character.MAX_CODE_POINT;
            isByte = false;
        } else if (ch == 'U') {
            n = 8;
            base = 16;
            max = Character.MAX_CODE_POINT;
            isByte = false;
        } else {
            throw source.error(start, String.format("unknown escape sequence U+%04X '%s'", (int) ch,
                    new String(Character.toChars(ch))));
        }
        long x = 0;
        for (int k = 0; k < n; k++) {
            int c = pos < in.length() ? in.charAt(pos) : -1;
            int d = Character.digit(c < 0 ? ' ' : c, base);
            if (c < 0 || c > 0x7f || d < 0) {
                if (c < 0) {
                    throw source.error(start, "escape sequence not terminated");
                }
                throw source.error(start, String.format("illegal character U+%04X '%s' in escape sequence", c,
                        new String(Character.toChars(c))));
            }
            x = x * base + d;
            pos++;
        }
        if (x > max || (x >= 0xD800 && x < 0xE000)) {
            throw source.error(start, "escape sequence is an invalid Unicode code point");
        }
        if (isByte) {
            bytes.write((int) x);
        } else {
            byte[] b = new String(Character.toChars((int) x)).getBytes(StandardCharsets.UTF_8);
            bytes.write(b, 0, b.length);
        }
    }
}
