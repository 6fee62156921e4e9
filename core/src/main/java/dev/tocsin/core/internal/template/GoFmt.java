package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Go's {@code fmt.Sprint}, {@code Sprintln} and {@code Sprintf} over the template {@link Values}. */
public final class GoFmt {

    private static final String LDIGITS = "0123456789abcdefx";
    private static final String UDIGITS = "0123456789ABCDEFX";

    private final StringBuilder buf;
    private boolean sharp;
    private boolean zero;
    private boolean plus;
    private boolean minus;
    private boolean space;
    private boolean sharpV;
    private boolean plusV;
    private boolean widPresent;
    private boolean precPresent;
    private int wid;
    private int prec;
    private boolean reordered;
    private boolean goodArgNum;

    private GoFmt(StringBuilder buf) {
        this.buf = buf;
    }

    /**
     * The longest result formatting may build ({@link Exec#MAX_OUTPUT}): a template's whole output may not be longer,
     * and a width or precision of a million ({@code %999999d}) repeated would otherwise fill the heap first.
     */
    static final int LIMIT = Exec.MAX_OUTPUT;

    /** Formatting would build more than {@link #LIMIT} characters. */
    static final class TooLong extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLong() {
            super("result longer than " + LIMIT + " characters", null, false, false);
        }
    }

    private void checkLength(long more) {
        if (buf.length() + more > LIMIT) {
            throw new TooLong();
        }
    }

    private void clearFlags() {
        sharp = zero = plus = minus = space = sharpV = plusV = widPresent = precPresent = false;
        wid = prec = 0;
    }

    /** fmt.Sprint. */
    static String sprint(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        GoFmt p = new GoFmt(sb);
        boolean prevString = false;
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            boolean isString = Values.isStringKind(a);
            if (i > 0 && !isString && !prevString) {
                sb.append(' ');
            }
            p.clearFlags();
            p.printArg(a, 'v');
            prevString = isString;
        }
        return sb.toString();
    }

    /** fmt.Sprintln. */
    static String sprintln(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        GoFmt p = new GoFmt(sb);
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            p.clearFlags();
            p.printArg(args.get(i), 'v');
        }
        return sb.append('\n').toString();
    }

    /** Appends one value as {@code fmt.Fprint} would (text/template's print of an action's value). */
    static void printValue(StringBuilder sb, Object v) {
        if (v instanceof String) {
            sb.append((String) v);
        } else if (v instanceof Double) {
            sb.append(GoFloat.formatV((Double) v));
        } else if (v instanceof Values.QuerySample) {
            // text/template prints what a pointer to a struct points to: {map[...] 1}, not &{...}
            int at = sb.length();
            GoFmt p = new GoFmt(sb);
            p.clearFlags();
            p.printArg(v, 'v');
            sb.deleteCharAt(at);
        } else {
            GoFmt p = new GoFmt(sb);
            p.clearFlags();
            p.printArg(v, 'v');
        }
    }

    /** fmt.Sprintf. */
    static String sprintf(String format, List<Object> a) {
        StringBuilder sb = new StringBuilder(format.length() + 16);
        GoFmt p = new GoFmt(sb);
        p.doPrintf(format, a);
        return sb.toString();
    }

    private void doPrintf(String format, List<Object> a) {
        int end = format.length();
        int argNum = 0;
        boolean afterIndex;
        reordered = false;
        formatLoop:
        for (int i = 0; i < end; ) {
            checkLength(0);
            goodArgNum = true;
            int lasti = i;
            while (i < end && format.charAt(i) != '%') {
                i++;
            }
            if (i > lasti) {
                buf.append(format, lasti, i);
            }
            if (i >= end) {
                break;
            }
            i++;
            clearFlags();
            simple:
            for (; i < end; i++) {
                char c = format.charAt(i);
                switch (c) {
                    case '#': sharp = true; break;
                    case '0': zero = !minus; break;
                    case '+': plus = true; break;
                    case '-': minus = true; zero = false; break;
                    case ' ': space = true; break;
                    default:
                        if ('a' <= c && c <= 'z' && argNum < a.size()) {
                            if (c == 'v') {
                                sharpV = sharp;
                                sharp = false;
                                plusV = plus;
                                plus = false;
                            }
                            printArg(a.get(argNum), c);
                            argNum++;
                            i++;
                            continue formatLoop;
                        }
                        break simple;
                }
            }
            int[] r = argNumber(argNum, format, i, a.size());
            argNum = r[0];
            i = r[1];
            afterIndex = r[2] != 0;
            if (i < end && format.charAt(i) == '*') {
                i++;
                int[] w = intFromArg(a, argNum);
                wid = w[0];
                widPresent = w[1] != 0;
                argNum = w[2];
                if (!widPresent) {
                    buf.append("%!(BADWIDTH)");
                }
                if (wid < 0) {
                    wid = -wid;
                    minus = true;
                    zero = false;
                }
                afterIndex = false;
            } else {
                int[] n = parseNum(format, i, end);
                wid = n[0];
                widPresent = n[1] != 0;
                i = n[2];
                if (afterIndex && widPresent) {
                    goodArgNum = false;
                }
            }
            if (i + 1 < end && format.charAt(i) == '.') {
                i++;
                if (afterIndex) {
                    goodArgNum = false;
                }
                r = argNumber(argNum, format, i, a.size());
                argNum = r[0];
                i = r[1];
                afterIndex = r[2] != 0;
                if (i < end && format.charAt(i) == '*') {
                    i++;
                    int[] w = intFromArg(a, argNum);
                    prec = w[0];
                    precPresent = w[1] != 0;
                    argNum = w[2];
                    if (prec < 0) {
                        prec = 0;
                        precPresent = false;
                    }
                    if (!precPresent) {
                        buf.append("%!(BADPREC)");
                    }
                    afterIndex = false;
                } else {
                    int[] n = parseNum(format, i, end);
                    prec = n[0];
                    precPresent = n[1] != 0;
                    i = n[2];
                    checkLength(prec); // digits of a precision are built before the width pads them
                    if (!precPresent) {
                        prec = 0;
                        precPresent = true;
                    }
                }
            }
            if (!afterIndex) {
                r = argNumber(argNum, format, i, a.size());
                argNum = r[0];
                i = r[1];
            }
            if (i >= end) {
                buf.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                buf.append('%');
            } else if (!goodArgNum) {
                buf.append("%!").appendCodePoint(verb).append("(BADINDEX)");
            } else if (argNum >= a.size()) {
                buf.append("%!").appendCodePoint(verb).append("(MISSING)");
            } else {
                if (verb == 'v') {
                    sharpV = sharp;
                    sharp = false;
                    plusV = plus;
                    plus = false;
                }
                printArg(a.get(argNum), verb);
                argNum++;
            }
        }
        if (!reordered && argNum < a.size()) {
            clearFlags();
            buf.append("%!(EXTRA ");
            for (int k = argNum; k < a.size(); k++) {
                if (k > argNum) {
                    buf.append(", ");
                }
                Object arg = a.get(k);
                if (arg == null) {
                    buf.append("<nil>");
                } else {
                    buf.append(Values.typeName(arg)).append('=');
                    printArg(arg, 'v');
                }
            }
            buf.append(')');
        }
    }

    private static boolean tooLarge(int x) {
        return x > 1_000_000 || x < -1_000_000;
    }

    /** Returns {num, isnum, newi}. */
    private static int[] parseNum(String s, int start, int end) {
        if (start >= end) {
            return new int[] {0, 0, end};
        }
        int num = 0;
        boolean isnum = false;
        int newi = start;
        for (; newi < end && s.charAt(newi) >= '0' && s.charAt(newi) <= '9'; newi++) {
            if (tooLarge(num)) {
                return new int[] {0, 0, end};
            }
            num = num * 10 + (s.charAt(newi) - '0');
            isnum = true;
        }
        return new int[] {num, isnum ? 1 : 0, newi};
    }

    /** Returns {argNum, i, found}. */
    private int[] argNumber(int argNum, String format, int i, int numArgs) {
        if (format.length() <= i || format.charAt(i) != '[') {
            return new int[] {argNum, i, 0};
        }
        reordered = true;
        String f = format.substring(i);
        int index = 0;
        int w = 1;
        boolean ok = false;
        if (f.length() >= 3) {
            for (int k = 1; k < f.length(); k++) {
                if (f.charAt(k) == ']') {
                    int[] n = parseNum(f, 1, k);
                    if (n[1] == 0 || n[2] != k) {
                        w = k + 1;
                    } else {
                        index = n[0] - 1;
                        w = k + 1;
                        ok = true;
                    }
                    break;
                }
            }
        }
        if (ok && 0 <= index && index < numArgs) {
            return new int[] {index, i + w, 1};
        }
        goodArgNum = false;
        return new int[] {argNum, i + w, ok ? 1 : 0};
    }

    /** Returns {num, isInt, newArgNum}. */
    private static int[] intFromArg(List<Object> a, int argNum) {
        int num = 0;
        boolean isInt = false;
        if (argNum < a.size()) {
            Object v = a.get(argNum);
            if (v instanceof Long) {
                long n = (Long) v;
                if (n == (int) n) {
                    num = (int) n;
                    isInt = true;
                }
            } else if (v instanceof Values.Uint8) {
                num = ((Values.Uint8) v).value();
                isInt = true;
            }
            argNum++;
            if (tooLarge(num)) {
                num = 0;
                isInt = false;
            }
        }
        return new int[] {num, isInt ? 1 : 0, argNum};
    }

    private void printArg(Object arg, int verb) {
        if (arg == null) {
            if (verb == 'T' || verb == 'v') {
                pad("<nil>");
            } else {
                badVerb(null, verb);
            }
            return;
        }
        if (verb == 'T') {
            pad(Values.typeName(arg));
            return;
        }
        if (arg instanceof Boolean) {
            if (verb == 't' || verb == 'v') {
                pad(arg.toString());
            } else {
                badVerb(arg, verb);
            }
        } else if (arg instanceof Double) {
            fmtFloat(arg, (Double) arg, verb);
        } else if (arg instanceof Long) {
            fmtInteger(arg, (Long) arg, true, verb);
        } else if (arg instanceof Values.Uint8) {
            fmtInteger(arg, ((Values.Uint8) arg).value(), false, verb);
        } else if (Values.isStringKind(arg)) {
            fmtString(arg, Values.str(arg), verb);
        } else if (arg instanceof Values.GoTime) {
            if (verb == 'v' || verb == 's' || verb == 'x' || verb == 'X' || verb == 'q') {
                fmtString(arg, arg.toString(), verb);
            } else {
                badVerb(arg, verb);
            }
        } else if (arg instanceof Labels || arg instanceof Values.AnyMap) {
            buf.append("map[");
            boolean first = true;
            for (Map.Entry<String, ?> e : Values.asMap(arg).entrySet()) {
                if (!first) {
                    buf.append(' ');
                }
                first = false;
                printArg(e.getKey(), verb);
                buf.append(':');
                printArg(e.getValue(), verb);
            }
            buf.append(']');
        } else if (arg instanceof Values.QuerySample) {
            // a *sample: Go prints &{...} at the top level (and the pointer's address inside a slice)
            Values.QuerySample q = (Values.QuerySample) arg;
            buf.append("&{");
            field("Labels", q.labels(), verb, true);
            field("Value", q.value(), verb, false);
            buf.append('}');
        } else if (arg instanceof Values.QueryResult) {
            buf.append('[');
            boolean first = true;
            for (Values.QuerySample q : ((Values.QueryResult) arg).samples()) {
                if (!first) {
                    buf.append(' ');
                }
                first = false;
                printArg(q, verb);
            }
            buf.append(']');
        } else if (arg instanceof TemplateData) {
            TemplateData d = (TemplateData) arg;
            buf.append('{');
            field("Labels", d.labels(), verb, true);
            field("ExternalLabels", d.externalLabels(), verb, false);
            field("ExternalURL", d.externalUrl(), verb, false);
            field("Value", d.value(), verb, false);
            buf.append('}');
        } else {
            pad(String.valueOf(arg));
        }
    }

    private void field(String name, Object value, int verb, boolean first) {
        if (!first) {
            buf.append(' ');
        }
        if (plusV) {
            buf.append(name).append(':');
        }
        printArg(value, verb);
    }

    private void badVerb(Object arg, int verb) {
        buf.append("%!").appendCodePoint(verb).append('(');
        if (arg != null) {
            buf.append(Values.typeName(arg)).append('=');
            // as Go's badVerb: the value as %v with the bad verb's flags, width and precision
            // (printf "%.3g" 3 prints %!g(int=003), printf "%5.1f" "0" prints %!f(string=    0))
            printArg(arg, 'v');
        } else {
            buf.append("<nil>");
        }
        buf.append(')');
    }

    private void writePadding(int n) {
        checkLength(n);
        char c = zero ? '0' : ' ';
        for (int i = 0; i < n; i++) {
            buf.append(c);
        }
    }

    private void pad(CharSequence s) {
        if (!widPresent || wid == 0) {
            buf.append(s);
            return;
        }
        int width = wid - s.toString().codePointCount(0, s.length());
        if (!minus) {
            writePadding(width);
            buf.append(s);
        } else {
            buf.append(s);
            boolean z = zero;
            zero = false;
            writePadding(width);
            zero = z;
        }
    }

    private void fmtFloat(Object arg, double v, int verb) {
        int p;
        char f;
        switch (verb) {
            case 'v': f = 'g'; p = -1; break;
            case 'b': case 'g': case 'G': case 'x': case 'X': f = (char) verb; p = -1; break;
            case 'f': case 'e': case 'E': f = (char) verb; p = 6; break;
            case 'F': f = 'f'; p = 6; break;
            default:
                badVerb(arg, verb);
                return;
        }
        if (precPresent) {
            p = prec;
        }
        StringBuilder num = new StringBuilder(24);
        GoFloat.appendFloat(num, v, f, p);
        if (num.charAt(0) != '-' && num.charAt(0) != '+') {
            num.insert(0, '+');
        }
        if (space && num.charAt(0) == '+' && !plus) {
            num.setCharAt(0, ' ');
        }
        if (num.charAt(1) == 'I' || num.charAt(1) == 'N') {
            boolean z = zero;
            zero = false;
            if (num.charAt(1) == 'N' && !space && !plus) {
                num.deleteCharAt(0);
            }
            pad(num);
            zero = z;
            return;
        }
        if (sharp && f != 'b') {
            sharpFloat(num, f, p);
        }
        if (plus || num.charAt(0) != '+') {
            if (zero && widPresent && wid > num.length()) {
                buf.append(num.charAt(0));
                writePadding(wid - num.length());
                buf.append(num, 1, num.length());
                return;
            }
            pad(num);
            return;
        }
        pad(num.subSequence(1, num.length()));
    }

    /** The '#' flag: always a decimal point; %g keeps trailing zeros (Go's fmtFloat). */
    private static void sharpFloat(StringBuilder num, char verb, int prec) {
        int digits = 0;
        if (verb == 'g' || verb == 'G' || verb == 'x') {
            digits = prec == -1 ? 6 : prec;
        }
        String tail = "";
        boolean hasPoint = false;
        boolean sawNonzero = false;
        for (int i = 1; i < num.length(); i++) {
            char c = num.charAt(i);
            if (c == '.') {
                hasPoint = true;
            } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
                tail = num.substring(i);
                num.setLength(i);
            } else {
                if (c != '0') {
                    sawNonzero = true;
                }
                if (sawNonzero) {
                    digits--;
                }
            }
        }
        if (!hasPoint) {
            if (num.length() == 2 && num.charAt(1) == '0') {
                digits--;
            }
            num.append('.');
        }
        while (digits > 0) {
            num.append('0');
            digits--;
        }
        num.append(tail);
    }

    private void fmtInteger(Object arg, long u, boolean signed, int verb) {
        switch (verb) {
            case 'v': case 'd': integer(u, 10, signed, verb, LDIGITS); break;
            case 'b': integer(u, 2, signed, verb, LDIGITS); break;
            case 'o': case 'O': integer(u, 8, signed, verb, LDIGITS); break;
            case 'x': integer(u, 16, signed, verb, LDIGITS); break;
            case 'X': integer(u, 16, signed, verb, UDIGITS); break;
            case 'c': pad(new String(Character.toChars(validRune(u)))); break;
            case 'q': pad(quoteRune(validRune(u), plus)); break;
            case 'U': unicode(u); break;
            default: badVerb(arg, verb);
        }
    }

    private static int validRune(long u) {
        if (u < 0 || u > Character.MAX_CODE_POINT || (u >= 0xD800 && u <= 0xDFFF)) {
            return 0xFFFD;
        }
        return (int) u;
    }

    private void unicode(long u) {
        StringBuilder s = new StringBuilder("U+");
        String h = Long.toHexString(u).toUpperCase(java.util.Locale.ROOT);
        int p = precPresent && prec > 4 ? prec : 4;
        for (int i = h.length(); i < p; i++) {
            s.append('0');
        }
        s.append(h);
        if (sharp && u >= 0 && u <= Character.MAX_CODE_POINT && isPrint((int) u)) {
            s.append(" '").appendCodePoint((int) u).append('\'');
        }
        boolean z = zero;
        zero = false;
        pad(s);
        zero = z;
    }

    private void integer(long u, int base, boolean signed, int verb, String digits) {
        boolean negative = signed && u < 0;
        java.math.BigInteger mag = signed ? java.math.BigInteger.valueOf(u).abs()
                : new java.math.BigInteger(Long.toUnsignedString(u));
        int p = 0;
        if (precPresent) {
            p = prec;
            if (p == 0 && u == 0) {
                boolean z = zero;
                zero = false;
                writePadding(wid);
                zero = z;
                return;
            }
        } else if (zero && widPresent) {
            p = wid;
            if (negative || plus || space) {
                p--;
            }
        }
        String ds = mag.toString(base);
        if (digits == UDIGITS) {
            ds = ds.toUpperCase(java.util.Locale.ROOT);
        }
        StringBuilder s = new StringBuilder();
        for (int i = ds.length(); i < p; i++) {
            s.append('0');
        }
        s.append(ds);
        if (sharp) {
            switch (base) {
                case 2: s.insert(0, "0b"); break;
                case 8: if (s.charAt(0) != '0') { s.insert(0, '0'); } break;
                case 16: s.insert(0, digits.charAt(16)).insert(0, '0'); break;
                default: break;
            }
        }
        if (verb == 'O') {
            s.insert(0, "0o");
        }
        if (negative) {
            s.insert(0, '-');
        } else if (plus) {
            s.insert(0, '+');
        } else if (space) {
            s.insert(0, ' ');
        }
        boolean z = zero;
        zero = false;
        pad(s);
        zero = z;
    }

    private void fmtString(Object arg, String s, int verb) {
        switch (verb) {
            case 'v':
                // Go's fmtS and fmtQ: the precision truncates (printf "%.2v" "abc" prints ab)
                pad(sharpV ? quote(truncate(s)) : truncate(s));
                break;
            case 's':
                pad(truncate(s));
                break;
            case 'x':
                hex(truncate(s), LDIGITS);
                break;
            case 'X':
                hex(truncate(s), UDIGITS);
                break;
            case 'q': {
                String t = truncate(s);
                if (sharp && canBackquote(t)) {
                    pad("`" + t + "`");
                } else {
                    pad(plus ? quoteAscii(t) : quote(t));
                }
                break;
            }
            default:
                badVerb(arg, verb);
        }
    }

    private String truncate(String s) {
        if (precPresent && s.codePointCount(0, s.length()) > prec) {
            return s.substring(0, s.offsetByCodePoints(0, prec));
        }
        return s;
    }

    private void hex(String s, String digits) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int length = b.length;
        int width = 2 * length;
        if (width > 0) {
            if (space) {
                if (sharp) {
                    width *= 2;
                }
                width += length - 1;
            } else if (sharp) {
                width += 2;
            }
        } else {
            if (widPresent) {
                writePadding(wid);
            }
            return;
        }
        if (widPresent && wid > width && !minus) {
            writePadding(wid - width);
        }
        char x = digits.charAt(16);
        if (sharp) {
            buf.append('0').append(x);
        }
        for (int i = 0; i < length; i++) {
            if (space && i > 0) {
                buf.append(' ');
                if (sharp) {
                    buf.append('0').append(x);
                }
            }
            int c = b[i] & 0xff;
            buf.append(digits.charAt(c >> 4)).append(digits.charAt(c & 0xf));
        }
        if (widPresent && wid > width && minus) {
            boolean z = zero;
            zero = false;
            writePadding(wid - width);
            zero = z;
        }
    }

    private static boolean canBackquote(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '`' || c == '\uFEFF' || (c < ' ' && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Go's unicode.IsPrint, approximated with Java's character categories. */
    static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL: case Character.FORMAT: case Character.SURROGATE: case Character.PRIVATE_USE:
            case Character.UNASSIGNED: case Character.LINE_SEPARATOR: case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /**
     * Go's {@code strconv.Quote}: escapes quotes, backslashes, control characters and every rune Go does not print
     * ({@code \\u0378}, a no-break space as {@code \\u00a0}).
     *
     * @param s the string
     * @return it in double quotes, escaped as Go escapes it
     */
    public static String quote(String s) {
        return quoteWith(s, '"', false);
    }

    static String quoteAscii(String s) {
        return quoteWith(s, '"', true);
    }

    private static String quoteRune(int r, boolean ascii) {
        return quoteWith(new String(Character.toChars(r)), '\'', ascii);
    }

    private static String quoteWith(String s, char q, boolean ascii) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append(q);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            if (cp == q || cp == '\\') {
                sb.append('\\').append((char) cp);
                continue;
            }
            if (ascii ? cp < 0x80 && isPrint(cp) : isPrint(cp)) {
                sb.appendCodePoint(cp);
                continue;
            }
            switch (cp) {
                case 7: sb.append("\\a"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 11: sb.append("\\v"); break;
                default:
                    if (cp < ' ' || cp == 0x7f) {
                        sb.append("\\x").append(hex2(cp));
                    } else if (cp < 0x10000) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.append(String.format("\\U%08x", cp));
                    }
            }
        }
        return sb.append(q).toString();
    }

    private static String hex2(int b) {
        return "" + LDIGITS.charAt(b >> 4) + LDIGITS.charAt(b & 0xf);
    }
}
