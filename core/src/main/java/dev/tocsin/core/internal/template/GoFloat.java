package dev.tocsin.core.internal.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go-compatible float64 formatting ({@code strconv.FormatFloat} / {@code fmt} verbs e, f, g, v, x, b) and parsing
 * ({@code strconv.ParseFloat}). Fixed-precision forms round the exact binary value half-to-even, as Go does.
 */
public final class GoFloat {

    private static final double TWO_53 = 9007199254740992.0;

    private GoFloat() {
    }

    /** Decimal digits without trailing zeros ({@code nd == digits.length()}) and the decimal point position. */
    private static final class Digits {
        final String d;
        final int dp;

        Digits(String d, int dp) {
            this.d = d;
            this.dp = dp;
        }
    }

    /**
     * Formats like Go's {@code %v} for float64: shortest round-trip digits, exponent form when the decimal exponent
     * is below -4 or at least 6 (i.e. {@code strconv.FormatFloat(v, 'g', -1, 64)}): 1, 0.5, 123456, 1e+06, 1.5e-07,
     * NaN, +Inf, -Inf.
     */
    public static String formatV(double v) {
        if (v == 0) {
            return Double.doubleToRawLongBits(v) == 0 ? "0" : "-0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        StringBuilder sb = new StringBuilder(24);
        appendFloat(sb, v, 'g', -1);
        return sb.toString();
    }

    /**
     * Formats like Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: the shortest digits that parse back, without
     * exponent (1e+23 is {@code 100000000000000000000000}, 5e-324 has 323 zeros after the point); {@code NaN},
     * {@code +Inf}, {@code -Inf}, {@code -0}. What {@code count_values} puts in its label.
     */
    public static String formatF(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendFloat(sb, v, 'f', -1);
        return sb.toString();
    }

    /**
     * Formats like Go's {@code strconv.FormatFloat(v, 'E', -1, 64)}: shortest digits, exponent of at least two digits
     * ({@code 1E+00}, {@code 1.5E-07}, {@code -0E+00}, {@code +Inf}, {@code NaN}). How promtool prints values in its
     * test reports.
     */
    public static String formatE(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendFloat(sb, v, 'E', -1);
        return sb.toString();
    }

    /**
     * Appends {@code strconv.FormatFloat(v, fmt, prec, 64)}: fmt one of e, E, f, g, G, x, X, b; prec -1 means
     * shortest. Infinities are {@code +Inf} / {@code -Inf}, NaN is {@code NaN}.
     */
    static void appendFloat(StringBuilder sb, double v, char fmt, int prec) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
            return;
        }
        if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
            return;
        }
        boolean neg = Double.doubleToRawLongBits(v) < 0;
        if (fmt == 'b') {
            long bits = Double.doubleToRawLongBits(v);
            int exp = (int) ((bits >>> 52) & 0x7ff);
            long mant = bits & ((1L << 52) - 1);
            if (exp == 0) {
                exp++;
            } else {
                mant |= 1L << 52;
            }
            exp += -1023 - 52;
            if (neg) {
                sb.append('-');
            }
            sb.append(mant).append('p').append(exp >= 0 ? "+" : "").append(exp);
            return;
        }
        if (fmt == 'x' || fmt == 'X') {
            appendHex(sb, v, fmt, prec);
            return;
        }
        double a = Math.abs(v);
        boolean shortest = prec < 0;
        Digits digs;
        if (shortest) {
            digs = shortest(a);
            switch (fmt) {
                case 'e': case 'E': prec = Math.max(digs.d.length() - 1, 0); break;
                case 'f': prec = Math.max(digs.d.length() - digs.dp, 0); break;
                default: prec = digs.d.length(); break;
            }
        } else {
            switch (fmt) {
                case 'e': case 'E': digs = rounded(a, prec + 1); break;
                case 'f': digs = fixed(a, prec); break;
                default:
                    if (prec == 0) {
                        prec = 1;
                    }
                    digs = rounded(a, prec);
                    break;
            }
        }
        if (neg) {
            sb.append('-');
        }
        int nd = digs.d.length();
        switch (fmt) {
            case 'e': case 'E':
                fmtE(sb, digs, prec, fmt);
                return;
            case 'f':
                fmtF(sb, digs, prec);
                return;
            default: {
                int eprec = prec;
                if (eprec > nd && nd >= digs.dp) {
                    eprec = nd;
                }
                if (shortest) {
                    eprec = 6;
                }
                int exp = digs.dp - 1;
                if (exp < -4 || exp >= eprec) {
                    if (prec > nd) {
                        prec = nd;
                    }
                    fmtE(sb, digs, prec - 1, fmt == 'G' ? 'E' : 'e');
                    return;
                }
                if (prec > digs.dp) {
                    prec = nd;
                }
                fmtF(sb, digs, Math.max(prec - digs.dp, 0));
            }
        }
    }

    private static void fmtE(StringBuilder sb, Digits digs, int prec, char e) {
        String d = digs.d;
        sb.append(d.isEmpty() ? '0' : d.charAt(0));
        if (prec > 0) {
            sb.append('.');
            for (int i = 1; i <= prec; i++) {
                sb.append(i < d.length() ? d.charAt(i) : '0');
            }
        }
        sb.append(e);
        int exp = d.isEmpty() ? 0 : digs.dp - 1;
        if (exp < 0) {
            sb.append('-');
            exp = -exp;
        } else {
            sb.append('+');
        }
        if (exp < 10) {
            sb.append('0');
        }
        sb.append(exp);
    }

    private static void fmtF(StringBuilder sb, Digits digs, int prec) {
        String d = digs.d;
        if (digs.dp > 0) {
            for (int i = 0; i < digs.dp; i++) {
                sb.append(i < d.length() ? d.charAt(i) : '0');
            }
        } else {
            sb.append('0');
        }
        if (prec > 0) {
            sb.append('.');
            for (int i = 1; i <= prec; i++) {
                int j = digs.dp + i - 1;
                sb.append(j >= 0 && j < d.length() ? d.charAt(j) : '0');
            }
        }
    }

    private static Digits trim(String digits, int dp) {
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        int start = 0;
        while (start < end && digits.charAt(start) == '0') {
            start++;
            dp--;
        }
        if (start == end) {
            return new Digits("", 0);
        }
        return new Digits(digits.substring(start, end), dp);
    }

    private static Digits fromBigDecimal(BigDecimal b) {
        if (b.signum() == 0) {
            return new Digits("", 0);
        }
        String u = b.unscaledValue().abs().toString();
        return trim(u, u.length() - b.scale());
    }

    /** Shortest digits that parse back to {@code a} (a finite, non-negative), closest to the exact value. */
    private static Digits shortest(double a) {
        if (a == 0) {
            return new Digits("", 0);
        }
        if (a < TWO_53 && a == Math.rint(a)) {
            String s = Long.toString((long) a);
            return trim(s, s.length());
        }
        // Java's Double.toString gives round-trip digits (not always the shortest before JDK 19): shrink them.
        String js = Double.toString(a);
        int e = js.indexOf('E');
        String mant = e < 0 ? js : js.substring(0, e);
        int n = trim(mant.replace(".", ""), 0).d.length();
        BigDecimal exact = new BigDecimal(a);
        BigDecimal best = exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
        for (int p = n - 1; p >= 1; p--) {
            BigDecimal r = roundTripping(exact, a, p);
            if (r == null) {
                break; // no p-digit decimal parses back to a, so no shorter one does either
            }
            best = r;
        }
        return fromBigDecimal(best);
    }

    /**
     * The p-digit decimal closest to {@code exact} that parses back to {@code a}, or null. The nearest one usually;
     * but at a power of two the doubles above are twice as far apart as those below, so when the nearest lies just
     * outside the narrow side, the one on the wide side may still parse back (Go picks it: 2^-1017 is
     * 7.120236347223045e-307, not 7.1202363472230444e-307).
     */
    private static BigDecimal roundTripping(BigDecimal exact, double a, int p) {
        BigDecimal near = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
        if (near.doubleValue() == a) {
            return near;
        }
        if ((Double.doubleToRawLongBits(a) & 0x000FFFFFFFFFFFFFL) != 0) {
            return null; // not a power of two: the interval is symmetric, the far side is no closer to inside
        }
        RoundingMode other = near.compareTo(exact) < 0 ? RoundingMode.CEILING : RoundingMode.FLOOR;
        BigDecimal far = exact.round(new MathContext(p, other));
        return far.doubleValue() == a ? far : null;
    }

    private static Digits rounded(double a, int sig) {
        if (a == 0) {
            return new Digits("", 0);
        }
        return fromBigDecimal(new BigDecimal(a).round(new MathContext(sig, RoundingMode.HALF_EVEN)));
    }

    private static Digits fixed(double a, int decimals) {
        return fromBigDecimal(new BigDecimal(a).setScale(decimals, RoundingMode.HALF_EVEN));
    }

    private static void appendHex(StringBuilder sb, double v, char fmt, int prec) {
        long bits = Double.doubleToRawLongBits(v);
        if (bits < 0) {
            sb.append('-');
        }
        int exp = (int) ((bits >>> 52) & 0x7ff);
        long mant = bits & ((1L << 52) - 1);
        if (exp == 0 && mant == 0) {
            exp = 0;
        } else if (exp == 0) {
            exp = -1022;
            while ((mant & (1L << 52)) == 0) {
                mant <<= 1;
                exp--;
            }
            mant &= (1L << 52) - 1;
        } else {
            exp -= 1023;
        }
        String hex = String.format("%013x", mant);
        if (prec >= 0 && prec < 13) {
            BigDecimal full = new BigDecimal(new java.math.BigInteger("1" + hex, 16));
            BigDecimal scale = BigDecimal.valueOf(16).pow(13 - prec);
            long r = full.divide(scale, 0, RoundingMode.HALF_EVEN).longValueExact();
            long lead = r >> (4 * prec);
            if (lead > 1) {
                r = 0;
                exp++;
            }
            String h = prec == 0 ? "" : String.format("%0" + prec + "x", r & ((1L << (4 * prec)) - 1));
            hex = h;
        } else {
            int end = hex.length();
            while (end > 0 && hex.charAt(end - 1) == '0') {
                end--;
            }
            hex = hex.substring(0, end);
            if (prec > 13) {
                StringBuilder p = new StringBuilder(hex);
                while (p.length() < prec) {
                    p.append('0');
                }
                hex = p.toString();
            }
        }
        boolean upper = fmt == 'X';
        sb.append(upper ? "0X" : "0x").append(bits == 0 || bits == Long.MIN_VALUE ? '0' : '1');
        if (!hex.isEmpty()) {
            sb.append('.').append(upper ? hex.toUpperCase(java.util.Locale.ROOT) : hex);
        }
        sb.append(upper ? 'P' : 'p').append(exp < 0 ? '-' : '+');
        int ae = Math.abs(exp);
        if (ae < 10) {
            sb.append('0');
        }
        sb.append(ae);
    }

    /**
     * Parses like Go's {@code strconv.ParseFloat(s, 64)}: decimal and hexadecimal floats with Go's underscores
     * between digits ({@code 1_000}), {@code inf}/{@code infinity} with an optional sign, an unsigned {@code nan}, any
     * case; a finite number beyond the double range is out of range.
     *
     * @throws NumberFormatException with Go's message, e.g. {@code strconv.ParseFloat: parsing "x": invalid syntax}
     */
    public static double parse(String s) {
        String t = s;
        int i = 0;
        boolean neg = false;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            neg = t.charAt(0) == '-';
            i = 1;
        }
        String rest = t.substring(i).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (rest.equals("nan") && i == 0) {
            return Double.NaN;
        }
        boolean hex = rest.startsWith("0x");
        String body = rest;
        if (body.indexOf('_') >= 0) {
            if (!underscoresOk(body)) {
                throw syntax(s);
            }
            body = body.replace("_", "");
        }
        if (hex) {
            if (!body.matches("0x([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)p[+-]?[0-9]+")) {
                throw syntax(s);
            }
        } else if (!body.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
            throw syntax(s);
        }
        double d;
        try {
            d = Double.parseDouble((neg ? "-" : "") + body);
        } catch (NumberFormatException e) {
            throw syntax(s);
        }
        if (Double.isInfinite(d)) {
            throw new NumberFormatException("strconv.ParseFloat: parsing " + GoFmt.quote(s) + ": value out of range");
        }
        return d;
    }

    /**
     * Go's {@code strconv.underscoreOK} (of an unsigned number in lower case): an underscore only between digits, or
     * between a base prefix and a digit.
     */
    private static boolean underscoresOk(String s) {
        char saw = '^';
        int i = 0;
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0' && (s.charAt(1) == 'b' || s.charAt(1) == 'o' || s.charAt(1) == 'x')) {
            i = 2;
            saw = '0';
            hex = s.charAt(1) == 'x';
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' || hex && c >= 'a' && c <= 'f') {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    private static NumberFormatException syntax(String s) {
        return new NumberFormatException("strconv.ParseFloat: parsing " + GoFmt.quote(s) + ": invalid syntax");
    }
}
