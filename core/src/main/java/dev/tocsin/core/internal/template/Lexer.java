package dev.tocsin.core.internal.template;

import java.util.ArrayList;
import java.util.List;

/** Go text/template's lexer (default delimiters), producing the whole item list up front. */
final class Lexer {

    enum T {
        ERROR, EOF, TEXT, COMMENT, LEFT_DELIM, RIGHT_DELIM, SPACE, FIELD, VARIABLE, IDENTIFIER, STRING, RAW_STRING,
        CHAR_CONSTANT, NUMBER, BOOL, NIL, DOT, PIPE, LEFT_PAREN, RIGHT_PAREN, DECLARE, ASSIGN, CHAR,
        // keywords
        BLOCK, BREAK, CONTINUE, DEFINE, ELSE, END, IF, RANGE, TEMPLATE, WITH
    }

    /** A lexed item; {@code pos} is the char offset of its start in the template text. */
    record Item(T type, String val, int pos) {
        @Override
        public String toString() {
            switch (type) {
                case EOF: return "EOF";
                case ERROR: return val;
                case BLOCK: case BREAK: case CONTINUE: case DEFINE: case ELSE: case END: case IF: case RANGE:
                case TEMPLATE: case WITH:
                    return "<" + val + ">";
                default:
                    if (val.length() > 10) {
                        return GoFmt.quote(val.substring(0, val.offsetByCodePoints(0, Math.min(10,
                                val.codePointCount(0, val.length()))))) + "...";
                    }
                    return GoFmt.quote(val);
            }
        }
    }

    private final String in;
    private final List<Item> items = new ArrayList<>();
    private int pos;
    private int start;
    private int parenDepth;
    /** Offset of the {{ that opened the current action, for "unclosed action". */
    private int actionStart;

    private Lexer(String in) {
        this.in = in;
    }

    static List<Item> lex(String text) {
        Lexer l = new Lexer(text);
        l.run();
        return l.items;
    }

    private void run() {
        while (true) {
            if (!lexText()) {
                return;
            }
            if (!lexAfterLeftDelim()) {
                return;
            }
        }
    }

    private void emit(T t) {
        items.add(new Item(t, in.substring(start, pos), start));
        start = pos;
    }

    private boolean error(String msg, int at) {
        items.add(new Item(T.ERROR, msg, at));
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isAlphaNumeric(int c) {
        return c == '_' || Character.isLetter(c) || Character.isDigit(c);
    }

    private boolean hasLeftTrim(int i) {
        return i + 1 < in.length() && in.charAt(i) == '-' && isSpace(in.charAt(i + 1));
    }

    private boolean hasRightTrim(int i) {
        return i + 1 < in.length() && isSpace(in.charAt(i)) && in.charAt(i + 1) == '-';
    }

    /** Returns {delim, trim} at pos. */
    private boolean[] atRightDelim() {
        if (hasRightTrim(pos) && in.startsWith("}}", pos + 2)) {
            return new boolean[] {true, true};
        }
        return new boolean[] {in.startsWith("}}", pos), false};
    }

    private int leftTrimLength(int i) {
        int j = i;
        while (j < in.length() && isSpace(in.charAt(j))) {
            j++;
        }
        return j - i;
    }

    /** Lexes text up to the next "{{" (emitting it); returns false at EOF. */
    private boolean lexText() {
        int x = in.indexOf("{{", pos);
        if (x < 0) {
            pos = in.length();
            if (pos > start) {
                emit(T.TEXT);
            }
            items.add(new Item(T.EOF, "", pos));
            return false;
        }
        int trimLen = 0;
        if (hasLeftTrim(x + 2)) {
            int j = x;
            while (j > start && isSpace(in.charAt(j - 1))) {
                j--;
            }
            trimLen = x - j;
        }
        pos = x - trimLen;
        if (pos > start) {
            emit(T.TEXT);
        }
        pos = x;
        start = x;
        return true;
    }

    private boolean lexAfterLeftDelim() {
        actionStart = pos;
        pos += 2;
        boolean trim = hasLeftTrim(pos);
        int after = trim ? 2 : 0;
        if (in.startsWith("/*", pos + after)) {
            pos += after;
            start = pos;
            return lexComment();
        }
        emit(T.LEFT_DELIM);
        pos += after;
        start = pos;
        parenDepth = 0;
        return lexInsideAction();
    }

    private boolean lexComment() {
        int commentStart = pos;
        pos += 2;
        int x = in.indexOf("*/", pos);
        if (x < 0) {
            return error("unclosed comment", actionStart);
        }
        pos = x + 2;
        boolean[] d = atRightDelim();
        if (!d[0]) {
            return error("comment ends before closing delimiter", commentStart);
        }
        emit(T.COMMENT);
        if (d[1]) {
            pos += 2;
        }
        pos += 2;
        if (d[1]) {
            pos += leftTrimLength(pos);
        }
        start = pos;
        return true;
    }

    private boolean lexInsideAction() {
        while (true) {
            boolean[] d = atRightDelim();
            if (d[0]) {
                if (parenDepth != 0) {
                    return error("unclosed left paren", pos);
                }
                if (d[1]) {
                    pos += 2;
                    start = pos;
                }
                pos += 2;
                emit(T.RIGHT_DELIM);
                if (d[1]) {
                    pos += leftTrimLength(pos);
                    start = pos;
                }
                return true;
            }
            if (pos >= in.length()) {
                return error("unclosed action", actionStart);
            }
            int r = in.codePointAt(pos);
            int rpos = pos;
            pos += Character.charCount(r);
            if (isSpace((char) r) && r < 0x80) {
                pos = rpos;
                lexSpace();
                continue;
            }
            switch (r) {
                case '=':
                    emit(T.ASSIGN);
                    continue;
                case ':':
                    if (pos >= in.length() || in.charAt(pos) != '=') {
                        return error("expected :=", rpos);
                    }
                    pos++;
                    emit(T.DECLARE);
                    continue;
                case '|':
                    emit(T.PIPE);
                    continue;
                case '"':
                    if (!lexQuote()) {
                        return false;
                    }
                    continue;
                case '`':
                    if (!lexRawQuote()) {
                        return false;
                    }
                    continue;
                case '$':
                    if (!lexFieldOrVariable(T.VARIABLE)) {
                        return false;
                    }
                    continue;
                case '\'':
                    if (!lexChar()) {
                        return false;
                    }
                    continue;
                case '(':
                    emit(T.LEFT_PAREN);
                    parenDepth++;
                    continue;
                case ')':
                    emit(T.RIGHT_PAREN);
                    parenDepth--;
                    if (parenDepth < 0) {
                        return error("unexpected right paren U+0029 ')'", rpos);
                    }
                    continue;
                default:
                    break;
            }
            if (r == '.') {
                if (pos < in.length()) {
                    char n = in.charAt(pos);
                    if (n < '0' || n > '9') {
                        if (!lexFieldOrVariable(T.FIELD)) {
                            return false;
                        }
                        continue;
                    }
                }
            }
            if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
                pos = rpos;
                if (!scanNumber()) {
                    return error("bad number syntax: " + GoFmt.quote(in.substring(start, pos)), start);
                }
                emit(T.NUMBER);
                continue;
            }
            if (isAlphaNumeric(r)) {
                pos = rpos;
                if (!lexIdentifier()) {
                    return false;
                }
                continue;
            }
            if (r < 0x80 && r >= 0x20 && r < 0x7f) {
                emit(T.CHAR);
                continue;
            }
            return error("unrecognized character in action: " + unicodeName(r), rpos);
        }
    }

    static String unicodeName(int r) {
        String s = String.format("U+%04X", r);
        if (GoFmt.isPrint(r)) {
            s += " '" + new String(Character.toChars(r)) + "'";
        }
        return s;
    }

    private void lexSpace() {
        int num = 0;
        while (pos < in.length() && isSpace(in.charAt(pos))) {
            pos++;
            num++;
        }
        if (hasRightTrim(pos - 1) && in.startsWith("}}", pos - 1 + 2)) {
            pos--;
            if (num == 1) {
                return;
            }
        }
        emit(T.SPACE);
    }

    private boolean atTerminator() {
        if (pos >= in.length()) {
            return true;
        }
        char r = in.charAt(pos);
        if (isSpace(r)) {
            return true;
        }
        switch (r) {
            case '.': case ',': case '|': case ':': case ')': case '(': case '}':
                return true;
            default:
                return false;
        }
    }

    private boolean lexIdentifier() {
        while (pos < in.length()) {
            int r = in.codePointAt(pos);
            if (!isAlphaNumeric(r)) {
                break;
            }
            pos += Character.charCount(r);
        }
        if (!atTerminator()) {
            return error("bad character " + unicodeName(in.codePointAt(pos)), pos);
        }
        String word = in.substring(start, pos);
        T t;
        switch (word) {
            case "block": t = T.BLOCK; break;
            case "break": t = T.BREAK; break;
            case "continue": t = T.CONTINUE; break;
            case "define": t = T.DEFINE; break;
            case "else": t = T.ELSE; break;
            case "end": t = T.END; break;
            case "if": t = T.IF; break;
            case "range": t = T.RANGE; break;
            case "nil": t = T.NIL; break;
            case "template": t = T.TEMPLATE; break;
            case "with": t = T.WITH; break;
            case "true": case "false": t = T.BOOL; break;
            default: t = T.IDENTIFIER;
        }
        emit(t);
        return true;
    }

    private boolean lexFieldOrVariable(T typ) {
        if (atTerminator()) {
            emit(typ == T.VARIABLE ? T.VARIABLE : T.DOT);
            return true;
        }
        while (pos < in.length()) {
            int r = in.codePointAt(pos);
            if (!isAlphaNumeric(r)) {
                break;
            }
            pos += Character.charCount(r);
        }
        if (!atTerminator()) {
            return error("bad character " + unicodeName(in.codePointAt(pos)), pos);
        }
        emit(typ);
        return true;
    }

    private boolean lexChar() {
        while (true) {
            if (pos >= in.length() || in.charAt(pos) == '\n') {
                return error("unterminated character constant", start);
            }
            char c = in.charAt(pos++);
            if (c == '\\') {
                if (pos < in.length() && in.charAt(pos) != '\n') {
                    pos++;
                    continue;
                }
                return error("unterminated character constant", start);
            }
            if (c == '\'') {
                break;
            }
        }
        emit(T.CHAR_CONSTANT);
        return true;
    }

    private boolean lexQuote() {
        while (true) {
            if (pos >= in.length() || in.charAt(pos) == '\n') {
                return error("unterminated quoted string", start);
            }
            char c = in.charAt(pos++);
            if (c == '\\') {
                if (pos < in.length() && in.charAt(pos) != '\n') {
                    pos++;
                    continue;
                }
                return error("unterminated quoted string", start);
            }
            if (c == '"') {
                break;
            }
        }
        emit(T.STRING);
        return true;
    }

    private boolean lexRawQuote() {
        int x = in.indexOf('`', pos);
        if (x < 0) {
            return error("unterminated raw quoted string", start);
        }
        pos = x + 1;
        emit(T.RAW_STRING);
        return true;
    }

    private boolean accept(String valid) {
        if (pos < in.length() && valid.indexOf(in.charAt(pos)) >= 0) {
            pos++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (pos < in.length() && valid.indexOf(in.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private boolean scanNumber() {
        accept("+-");
        String digits = "0123456789_";
        if (accept("0")) {
            if (accept("xX")) {
                digits = "0123456789abcdefABCDEF_";
            } else if (accept("oO")) {
                digits = "01234567_";
            } else if (accept("bB")) {
                digits = "01_";
            }
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (digits.length() == 11 && accept("eE")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        if (digits.length() == 23 && accept("pP")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        accept("i");
        if (pos < in.length() && isAlphaNumeric(in.codePointAt(pos))) {
            pos += Character.charCount(in.codePointAt(pos));
            return false;
        }
        return true;
    }
}
