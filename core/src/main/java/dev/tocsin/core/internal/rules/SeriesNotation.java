package dev.tocsin.core.internal.rules;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.TocsinParseException;

import java.util.Arrays;

/**
 * The input-series notation of promtool rule unit tests: a series {@code name{label="value", ...}} and its values
 * {@code 1 2 3}, {@code a+bxn} / {@code a-bxn} (n+1 values from a, adding b each time), {@code axn} (n+1 copies),
 * {@code _} (no sample), {@code _xn} (n missing samples), {@code stale} (a staleness marker), {@code Inf}, {@code NaN}.
 */
public final class SeriesNotation {

    /** The most values one series may expand to. */
    public static final int MAX_VALUES = 1_000_000;

    private SeriesNotation() {
    }

    /** One series' expanded values: {@link #OMITTED} and {@link #STALE} kinds per step, else a value. */
    public static final class Values {
        /** No sample at this step. */
        public static final byte OMITTED = 0;
        /** A value at this step. */
        public static final byte VALUE = 1;
        /** A staleness marker at this step. */
        public static final byte STALE = 2;

        private byte[] kinds = new byte[16];
        private double[] values = new double[16];
        private int size;

        void add(byte kind, double v) {
            if (size == MAX_VALUES) {
                throw new IllegalStateException("more than " + MAX_VALUES + " values");
            }
            if (size == kinds.length) {
                int n = Math.min(MAX_VALUES, size * 2);
                kinds = Arrays.copyOf(kinds, n);
                values = Arrays.copyOf(values, n);
            }
            kinds[size] = kind;
            values[size++] = v;
        }

        /** Returns the number of steps. */
        public int size() {
            return size;
        }

        /** Returns the kind at step {@code i}. */
        public byte kind(int i) {
            return kinds[i];
        }

        /** Returns the value at step {@code i} (meaningful for {@link #VALUE}). */
        public double value(int i) {
            return values[i];
        }
    }

    private static TocsinParseException error(String what, int column, String detail) {
        // no line: the text is one YAML value, whose line in the file the caller knows (see RuleTestRunner)
        return new TocsinParseException(what, 0, column, detail);
    }

    /**
     * Words Prometheus' lexer does not take as a metric name in a series description (compared in lower case): the
     * numbers {@code Inf} and {@code NaN}, and the keywords that are not also accepted as names.
     */
    private static final java.util.Set<String> NOT_METRIC_NAMES =
            java.util.Set.of("inf", "nan", "bool", "on", "ignoring", "group_left", "group_right", "atan2");

    /**
     * Parses a series description such as {@code haproxy_backend_up{backend="app"}}.
     *
     * @throws TocsinParseException if malformed
     */
    public static Labels parseSeries(String text) {
        return parseSeries(text, true);
    }

    /**
     * Parses a series description as promtool does: {@code requireName} true for an input series (promtool's
     * {@code ParseSeriesDesc}: the values follow after a space, so none may come before the {@code {}), false for
     * expected labels (its {@code ParseMetric}: also {@code {}} and {@code {job="x"}}, spaces and a trailing
     * {@code # comment}). Label values take any PromQL string (double, single or back quotes); a {@code __name__}
     * inside the braces gives way to a metric name before them.
     *
     * @throws TocsinParseException if malformed
     */
    public static Labels parseSeries(String text, boolean requireName) {
        String what = "series '" + text + "'";
        int i = skipSpace(text, 0);
        int start = i;
        while (i < text.length() && isNameChar(text.charAt(i), i == start, true)) {
            i++;
        }
        String name = text.substring(start, i);
        if (NOT_METRIC_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            // Prometheus' lexer reads these as a number or a keyword that cannot start a metric (promtool fails too)
            throw error(what, start + 1, "unexpected " + (name.equalsIgnoreCase("inf") || name.equalsIgnoreCase("nan")
                    ? "number \"" + name + "\"" : "<" + name + ">") + " where a metric name is expected");
        }
        Labels.Builder b = Labels.builder();
        int afterName = i;
        i = skipSpace(text, i);
        if (requireName && i > afterName && i < text.length() && text.charAt(i) == '{') {
            // promtool reads what follows a space as the values
            throw error(what, i + 1, "unexpected character in series sequence: '{'");
        }
        if (i < text.length() && text.charAt(i) == '{') {
            i = skipSpace(text, i + 1);
            while (i < text.length() && text.charAt(i) != '}') {
                int ls = i;
                while (i < text.length() && isNameChar(text.charAt(i), i == ls, false)) {
                    i++;
                }
                String label = text.substring(ls, i);
                if (label.isEmpty()) {
                    throw error(what, i + 1, "expected a label name");
                }
                i = skipSpace(text, i);
                if (i >= text.length() || text.charAt(i) != '=') {
                    throw error(what, i + 1, "expected '=' after label " + label);
                }
                i = skipSpace(text, i + 1);
                if (i >= text.length() || (text.charAt(i) != '"' && text.charAt(i) != '\'' && text.charAt(i) != '`')) {
                    throw error(what, i + 1, "expected a quoted label value");
                }
                // the quoted value, decoded by PromQL's own lexer (promtool reads series with it): all Go escapes
                int quoteAt = i;
                char q = text.charAt(i++);
                boolean closed = false;
                while (i < text.length()) {
                    char c = text.charAt(i++);
                    if (c == q) {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && q != '`' && i < text.length()) {
                        i++;
                    }
                }
                if (!closed) {
                    throw error(what, i + 1, "unterminated quoted string");
                }
                String value;
                try {
                    value = dev.tocsin.core.internal.expr.StringLiterals.unquote(text.substring(quoteAt, i));
                } catch (dev.tocsin.core.ExpressionException e) {
                    throw error(what, quoteAt + e.column(), e.detail());
                }
                if (b.has(label)) {
                    throw error(what, ls + 1, "duplicate label " + label);
                }
                if (!value.isEmpty()) {
                    b.put(label, value);
                }
                i = skipSpace(text, i);
                if (i < text.length() && text.charAt(i) == ',') {
                    i = skipSpace(text, i + 1);
                } else if (i < text.length() && text.charAt(i) != '}') {
                    throw error(what, i + 1, "expected ',' or '}'");
                }
            }
            if (i >= text.length()) {
                throw error(what, i + 1, "unexpected end of series, expected '}'");
            }
            i = skipSpace(text, i + 1);
        }
        if (!requireName && i < text.length() && text.charAt(i) == '#') {
            i = text.length(); // a comment, which PromQL's lexer skips
        }
        if (i != text.length()) {
            throw error(what, i + 1, "unexpected character '" + text.charAt(i) + "'");
        }
        if (!name.isEmpty()) {
            b.put(Labels.METRIC_NAME, name); // over a __name__ given inside the braces, as promtool
        }
        Labels l = b.build();
        if (requireName && !Sample.isValidMetricName(l.metricName())) {
            throw error(what, 1, "a series needs a metric name");
        }
        return l;
    }

    private static boolean isNameChar(char c, boolean first, boolean colon) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':')
                || (!first && c >= '0' && c <= '9');
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Expands a values description.
     *
     * @throws TocsinParseException if malformed or longer than {@link #MAX_VALUES}
     */
    public static Values parseValues(String text) {
        String what = "values '" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
        Values out = new Values();
        int i = 0;
        try {
            while (true) {
                i = skipSpace(text, i);
                if (i >= text.length()) {
                    return out;
                }
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                item(text.substring(start, i), start + 1, what, out);
            }
        } catch (IllegalStateException e) {
            throw error(what, i + 1, e.getMessage());
        }
    }

    private static void item(String t, int col, String what, Values out) {
        if (t.equals("_")) {
            out.add(Values.OMITTED, 0);
            return;
        }
        if (t.startsWith("_x")) {
            long n = count(t.substring(2), col + 2, what);
            for (long k = 0; k < n; k++) {
                out.add(Values.OMITTED, 0);
            }
            return;
        }
        if (t.equals("stale")) {
            out.add(Values.STALE, 0);
            return;
        }
        int[] pos = {0};
        double a = number(t, pos, col, what);
        if (pos[0] == t.length()) {
            out.add(Values.VALUE, a);
            return;
        }
        double b = 0;
        boolean stepped = false;
        char c = t.charAt(pos[0]);
        if (c == '+' || c == '-') {
            b = number(t, pos, col, what);
            stepped = true;
        }
        if (pos[0] >= t.length() || t.charAt(pos[0]) != 'x') {
            throw error(what, col + pos[0], "expected 'x' and a count in '" + t + "'");
        }
        long n = count(t.substring(pos[0] + 1), col + pos[0] + 1, what);
        double v = a;
        for (long k = 0; k <= n; k++) {
            out.add(Values.VALUE, v);
            if (stepped) {
                v += b; // "axn" repeats a itself (-0 stays -0), "a+0xn" adds
            }
        }
    }

    private static long count(String s, int col, String what) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw error(what, col, "expected a repetition count after 'x', found '" + s + "'");
        }
        long n = Long.parseLong(s);
        if (n > MAX_VALUES) {
            throw error(what, col, "repetition count " + n + " is larger than " + MAX_VALUES);
        }
        return n;
    }

    /** Reads a (signed) number, Inf or NaN at pos[0]; advances pos[0]. */
    private static double number(String t, int[] pos, int col, String what) {
        int i = pos[0];
        int start = i;
        boolean neg = false;
        if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            neg = t.charAt(i) == '-';
            i++;
        }
        if (t.regionMatches(true, i, "inf", 0, 3) || t.regionMatches(true, i, "nan", 0, 3)) {
            int end = i + 3;
            if (end < t.length() && isNameChar(t.charAt(end), false, false)) {
                // PromQL's lexer reads "Infx1" as one identifier, not Inf and a repetition
                int e = end;
                while (e < t.length() && isNameChar(t.charAt(e), false, true)) {
                    e++;
                }
                throw error(what, col + i, "unexpected identifier \"" + t.substring(i, e) + "\" in series values");
            }
            pos[0] = end;
            boolean inf = t.regionMatches(true, i, "inf", 0, 3);
            return inf ? (neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.NaN;
        }
        int ds = i;
        while (i < t.length()) {
            char c = t.charAt(i);
            if ((c >= '0' && c <= '9') || c == '.') {
                i++;
            } else if ((c == 'e' || c == 'E') && i > ds) {
                i++;
                if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                    i++;
                }
            } else {
                break;
            }
        }
        String num = t.substring(ds, i);
        if (num.isEmpty() || num.equals(".")) {
            throw error(what, col + start, "expected a number in '" + t + "'");
        }
        double v;
        try {
            // as PromQL's parser: Go's strconv.ParseInt(s, 0, 64) first, so a leading 0 means octal ("017" is 15)
            if (num.length() > 1 && num.charAt(0) == '0' && num.chars().allMatch(ch -> ch >= '0' && ch <= '7')
                    && new java.math.BigInteger(num, 8).bitLength() < 64) {
                v = Long.parseLong(num, 8);
            } else {
                v = Double.parseDouble(num);
            }
        } catch (NumberFormatException e) {
            throw error(what, col + start, "invalid number '" + t.substring(start, i) + "'");
        }
        if (Double.isInfinite(v)) {
            // Go's ParseFloat fails on it, as promtool does (write Inf for infinity)
            throw error(what, col + start, "parsing \"" + num + "\": value out of range");
        }
        pos[0] = i;
        return neg ? -v : v;
    }
}
