package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;
import dev.tocsin.core.internal.expr.BoundedRegex;
import dev.tocsin.core.internal.expr.ExpressionEvaluationException;
import dev.tocsin.core.internal.expr.PromDuration;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The functions a template can call: Go's builtins plus Prometheus's (template/template.go, v2.42). */
final class Funcs {

    /** Go parameter types, as far as argument checking needs them. */
    enum P {
        STRING("string", false), FLOAT64("float64", false), INT("int", false), BOOL("bool", false),
        ANY("interface {}", true), VALUE("reflect.Value", true), QUERY_RESULT("template.queryResult", true),
        SAMPLE("*template.sample", true);

        final String goName;
        final boolean canBeNil;

        P(String goName, boolean canBeNil) {
            this.goName = goName;
            this.canBeNil = canBeNil;
        }
    }

    /** An error returned by a function: becomes {@code error calling NAME: message}. */
    static final class CallError extends Exception {
        private static final long serialVersionUID = 1L;

        CallError(String msg) {
            super(msg, null, false, false);
        }
    }

    /** Per-call context: the data (for externalURL) and the call site (to cache compiled regexes). */
    interface Site {
        TemplateData data();

        GoRegex.Compiled cachedRegex(String src) throws GoRegex.RegexError;
    }

    @FunctionalInterface
    interface Impl {
        Object call(Site site, Object[] args) throws CallError;
    }

    /** A function: name, parameter types (the last one repeated when variadic) and implementation. */
    record Func(String name, P[] params, boolean variadic, Impl impl) {
        int numFixed() {
            return variadic ? params.length - 1 : params.length;
        }
    }

    private static final Map<String, Func> FUNCS = new HashMap<>();
    private static final String NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";

    private Funcs() {
    }

    static Func lookup(String name) {
        return FUNCS.get(name);
    }

    private static void def(String name, Impl impl, boolean variadic, P... params) {
        FUNCS.put(name, new Func(name, params, variadic, impl));
    }

    private static double toFloat(Object v) throws CallError {
        if (v instanceof Double) {
            return (Double) v;
        } else if (v instanceof Long) {
            return (Long) v;
        } else if (v instanceof String) {
            try {
                return GoFloat.parse((String) v);
            } catch (NumberFormatException e) {
                throw new CallError(e.getMessage());
            }
        }
        throw new CallError("can't convert " + Values.typeName(v) + " to float");
    }

    private static String g4(double v) {
        StringBuilder sb = new StringBuilder();
        GoFloat.appendFloat(sb, v, 'g', 4);
        return sb.toString();
    }

    /** Go's int64(float64) on amd64: NaN and out-of-range values become math.MinInt64. */
    static long goInt64(double v) {
        if (Double.isNaN(v) || v >= 9.223372036854775807E18 || v < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) v;
    }

    static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        if (Math.abs(v) >= 1) {
            String prefix = "";
            for (String p : new String[] {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
                if (Math.abs(v) < 1000) {
                    break;
                }
                prefix = p;
                v /= 1000;
            }
            return g4(v) + prefix;
        }
        String prefix = "";
        for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return g4(v) + prefix;
    }

    static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        String prefix = "";
        for (String p : new String[] {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
            if (Math.abs(v) < 1024) {
                break;
            }
            prefix = p;
            v /= 1024;
        }
        return g4(v) + prefix;
    }

    static String humanizeDuration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        if (v == 0) {
            return g4(v) + "s";
        }
        if (Math.abs(v) >= 1) {
            String sign = "";
            if (v < 0) {
                sign = "-";
                v = -v;
            }
            long iv = goInt64(v);
            long seconds = iv % 60;
            long minutes = (iv / 60) % 60;
            long hours = (iv / 60 / 60) % 24;
            long days = iv / 60 / 60 / 24;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + g4(v) + "s";
        }
        String prefix = "";
        for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return g4(v) + prefix + "s";
    }

    /** floatToTime; null for NaN/Inf. */
    private static Values.GoTime toTime(double v) throws CallError {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double ts = v * 1e9;
        if (ts > 9.223372036854775807E18 || ts < -9.223372036854775808E18) {
            throw new CallError(GoFloat.formatV(v)
                    + " cannot be represented as a nanoseconds timestamp since it overflows int64");
        }
        return new Values.GoTime(goInt64(ts) / 1_000_000);
    }

    /** net.SplitHostPort; null on error. */
    static String[] splitHostPort(String hp) {
        int i = hp.lastIndexOf(':');
        if (i < 0) {
            return null;
        }
        String host;
        int j = 0;
        int k = 0;
        if (!hp.isEmpty() && hp.charAt(0) == '[') {
            int end = hp.indexOf(']');
            if (end < 0 || end + 1 == hp.length() || end + 1 != i) {
                return null;
            }
            host = hp.substring(1, end);
            j = 1;
            k = end + 1;
        } else {
            host = hp.substring(0, i);
            if (host.indexOf(':') >= 0) {
                return null;
            }
        }
        if (hp.indexOf('[', j) >= 0 || hp.indexOf(']', k) >= 0) {
            return null;
        }
        return new String[] {host, hp.substring(i + 1)};
    }

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** net.ParseIP != nil (IPv4 dotted quad, or IPv6). */
    static boolean isIp(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.indexOf(':') < 0 || !s.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        String t = s;
        int groups = 0;
        if (t.contains(".")) {
            int c = t.lastIndexOf(':');
            if (!IPV4.matcher(t.substring(c + 1)).matches()) {
                return false;
            }
            t = t.substring(0, c + 1) + "0:0";
        }
        int dbl = t.indexOf("::");
        if (dbl >= 0 && t.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] parts = t.split(":", -1);
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p];
            if (part.isEmpty()) {
                continue;
            }
            if (part.length() > 4) {
                return false;
            }
            groups++;
        }
        if (dbl < 0) {
            return groups == 8 && !t.startsWith(":") && !t.endsWith(":");
        }
        return groups < 8;
    }

    private static String joinHostPort(String host, String port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevSep = true;
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            if (prevSep) {
                sb.appendCodePoint(Character.toTitleCase(r));
            } else {
                sb.appendCodePoint(r);
            }
            prevSep = isSeparator(r);
        }
        return sb.toString();
    }

    private static boolean isSeparator(int r) {
        if (r <= 0x7F) {
            return !(('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || r == '_');
        }
        if (Character.isLetter(r) || Character.isDigit(r)) {
            return false;
        }
        return Character.isWhitespace(r) || Character.isSpaceChar(r);
    }

    private static String mapRunes(String s, boolean upper) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            sb.appendCodePoint(upper ? Character.toUpperCase(r) : Character.toLowerCase(r));
        }
        return sb.toString();
    }

    static String queryEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ') {
                sb.append('+');
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private static String evalArgs(Object[] args) {
        if (args.length == 1 && args[0] instanceof String) {
            return (String) args[0];
        }
        return GoFmt.sprint(Arrays.asList(args));
    }

    static String htmlEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("&#34;"); break;
                case '\'': sb.append("&#39;"); break;
                case '&': sb.append("&amp;"); break;
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case 0: sb.append('\uFFFD'); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }

    static String jsEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x80) {
                switch (c) {
                    case '\\': sb.append("\\\\"); break;
                    case '\'': sb.append("\\'"); break;
                    case '"': sb.append("\\\""); break;
                    case '<': sb.append("\\u003C"); break;
                    case '>': sb.append("\\u003E"); break;
                    case '&': sb.append("\\u0026"); break;
                    case '=': sb.append("\\u003D"); break;
                    default:
                        if (c < ' ') {
                            sb.append(String.format("\\u%04X", c));
                        } else {
                            sb.append((char) c);
                        }
                }
            } else if (GoFmt.isPrint(c)) {
                sb.appendCodePoint(c);
            } else {
                sb.append(String.format("\\u%04X", c));
            }
        }
        return sb.toString();
    }

    /** Prometheus' template {@code parseDuration}: {@code model.ParseDuration}'s nanoseconds over 1e9. */
    static double parseDuration(String d) throws CallError {
        try {
            return PromDuration.parseMillis(d) * 1_000_000L / 1e9;
        } catch (IllegalArgumentException e) {
            throw new CallError(e.getMessage());
        }
    }

    static Object index(Object item, Object[] indexes) throws CallError {
        if (item == null) {
            throw new CallError("index of untyped nil");
        }
        for (Object index : indexes) {
            if (item instanceof Labels || item instanceof Values.AnyMap) {
                if (index == null) {
                    throw new CallError("value is nil; should be of type string");
                }
                if (!(index instanceof String)) {
                    throw new CallError("value has type " + Values.typeName(index) + "; should be string");
                }
                if (item instanceof Labels) {
                    item = ((Labels) item).get((String) index);
                } else {
                    item = ((Values.AnyMap) item).map().get(index);
                }
            } else if (item instanceof Values.QueryResult) {
                List<Values.QuerySample> list = ((Values.QueryResult) item).samples();
                long x = indexArg(index, list.size());
                if (x == list.size()) {
                    // Go's indexArg lets the length through and reflect's Index panics on it, as for strings
                    throw new CallError("reflect: slice index out of range");
                }
                item = list.get((int) x);
            } else if (Values.isStringKind(item)) {
                byte[] b = Values.str(item).getBytes(StandardCharsets.UTF_8);
                long x = indexArg(index, b.length);
                if (x == b.length) {
                    throw new CallError("reflect: string index out of range");
                }
                item = new Values.Uint8(b[(int) x] & 0xff);
            } else {
                throw new CallError("can't index item of type " + Values.typeName(item));
            }
        }
        return item;
    }

    private static long indexArg(Object index, int cap) throws CallError {
        long x;
        if (index instanceof Long) {
            x = (Long) index;
        } else if (index instanceof Values.Uint8) {
            x = ((Values.Uint8) index).value();
        } else if (index == null) {
            throw new CallError("cannot index slice/array with nil");
        } else {
            throw new CallError("cannot index slice/array with type " + Values.typeName(index));
        }
        if (x < 0 || x > cap) {
            throw new CallError("index out of range: " + x);
        }
        return x;
    }

    private static Object slice(Object item, Object[] indexes) throws CallError {
        if (item == null) {
            throw new CallError("slice of untyped nil");
        }
        if (indexes.length > 3) {
            throw new CallError("too many slice indexes: " + indexes.length);
        }
        if (!Values.isStringKind(item)) {
            throw new CallError("can't slice item of type " + Values.typeName(item));
        }
        if (indexes.length == 3) {
            throw new CallError("cannot 3-index slice a string");
        }
        byte[] b = Values.str(item).getBytes(StandardCharsets.UTF_8);
        int[] idx = {0, b.length};
        for (int i = 0; i < indexes.length; i++) {
            idx[i] = (int) indexArg(indexes[i], b.length);
        }
        if (idx[0] > idx[1]) {
            throw new CallError("invalid slice index: " + idx[0] + " > " + idx[1]);
        }
        String s = new String(b, idx[0], idx[1] - idx[0], StandardCharsets.UTF_8);
        return item instanceof Values.Html ? new Values.Html(s) : s;
    }

    private enum Kind { BOOL, INT, UINT, FLOAT, STRING, INVALID }

    private static Kind kind(Object v) {
        if (v instanceof Boolean) {
            return Kind.BOOL;
        } else if (v instanceof Long) {
            return Kind.INT;
        } else if (v instanceof Values.Uint8) {
            return Kind.UINT;
        } else if (v instanceof Double) {
            return Kind.FLOAT;
        } else if (Values.isStringKind(v)) {
            return Kind.STRING;
        }
        return Kind.INVALID;
    }

    private static long intOf(Object v) {
        return v instanceof Long ? (Long) v : ((Values.Uint8) v).value();
    }

    static boolean eq(Object a1, Object[] rest) throws CallError {
        if (rest.length == 0) {
            throw new CallError("missing argument for comparison");
        }
        Kind k1 = kind(a1);
        for (Object a : rest) {
            Kind k2 = kind(a);
            boolean truth = false;
            if (k1 != k2) {
                if ((k1 == Kind.INT && k2 == Kind.UINT) || (k1 == Kind.UINT && k2 == Kind.INT)) {
                    truth = intOf(a1) == intOf(a);
                } else if (a1 != null && a != null) {
                    throw new CallError("incompatible types for comparison");
                }
            } else {
                switch (k1) {
                    case BOOL: truth = a1.equals(a); break;
                    case FLOAT: truth = (double) (Double) a1 == (double) (Double) a; break;
                    case INT: case UINT: truth = intOf(a1) == intOf(a); break;
                    case STRING: truth = Values.str(a1).equals(Values.str(a)); break;
                    default:
                        if (a1 == null || a == null) {
                            truth = a1 == a;
                        } else if (!Values.typeName(a1).equals(Values.typeName(a))) {
                            throw new CallError("non-comparable types " + GoFmt.sprint(List.of(a1)) + ": "
                                    + Values.typeName(a1) + ", " + Values.typeName(a) + ": "
                                    + GoFmt.sprint(List.of(a)));
                        } else if (a instanceof Labels || a instanceof Values.AnyMap) {
                            throw new CallError("non-comparable type " + GoFmt.sprint(List.of(a)) + ": "
                                    + Values.typeName(a));
                        } else {
                            truth = a1.equals(a);
                        }
                }
            }
            if (truth) {
                return true;
            }
        }
        return false;
    }

    static boolean lt(Object a1, Object a2) throws CallError {
        Kind k1 = kind(a1);
        if (k1 == Kind.INVALID) {
            throw new CallError("invalid type for comparison");
        }
        Kind k2 = kind(a2);
        if (k2 == Kind.INVALID) {
            throw new CallError("invalid type for comparison");
        }
        if (k1 != k2) {
            if ((k1 == Kind.INT && k2 == Kind.UINT) || (k1 == Kind.UINT && k2 == Kind.INT)) {
                return intOf(a1) < intOf(a2);
            }
            throw new CallError("incompatible types for comparison");
        }
        switch (k1) {
            case BOOL: throw new CallError("invalid type for comparison");
            case FLOAT: return (Double) a1 < (Double) a2;
            case INT: case UINT: return intOf(a1) < intOf(a2);
            default: return Values.str(a1).compareTo(Values.str(a2)) < 0;
        }
    }

    /** Compares strings by code point, which orders them as Go orders their UTF-8 bytes. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static Object nilSample(Object s) throws CallError {
        throw new CallError(NIL_DEREF);
    }

    static {
        // Go builtins (text/template/funcs.go). and/or are special-cased by the executor.
        def("and", (s, a) -> null, true, P.VALUE, P.VALUE);
        def("or", (s, a) -> null, true, P.VALUE, P.VALUE);
        def("not", (s, a) -> !Values.truth(a[0]), false, P.VALUE);
        def("len", (s, a) -> {
            if (a[0] == null) {
                throw new CallError("reflect: call of reflect.Value.Type on zero Value");
            }
            int n = Values.len(a[0]);
            if (n < 0) {
                throw new CallError("len of type " + Values.typeName(a[0]));
            }
            return (long) n;
        }, false, P.VALUE);
        def("index", (s, a) -> index(a[0], Arrays.copyOfRange(a, 1, a.length)), true, P.VALUE, P.VALUE);
        def("slice", (s, a) -> slice(a[0], Arrays.copyOfRange(a, 1, a.length)), true, P.VALUE, P.VALUE);
        def("print", (s, a) -> GoFmt.sprint(Arrays.asList(a)), true, P.ANY);
        def("println", (s, a) -> GoFmt.sprintln(Arrays.asList(a)), true, P.ANY);
        def("printf", (s, a) -> GoFmt.sprintf((String) a[0], Arrays.asList(a).subList(1, a.length)), true,
                P.STRING, P.ANY);
        def("html", (s, a) -> htmlEscape(evalArgs(a)), true, P.ANY);
        def("js", (s, a) -> jsEscape(evalArgs(a)), true, P.ANY);
        def("urlquery", (s, a) -> queryEscape(evalArgs(a)), true, P.ANY);
        def("eq", (s, a) -> eq(a[0], Arrays.copyOfRange(a, 1, a.length)), true, P.VALUE, P.VALUE);
        def("ne", (s, a) -> !eq(a[0], new Object[] {a[1]}), false, P.VALUE, P.VALUE);
        def("lt", (s, a) -> lt(a[0], a[1]), false, P.VALUE, P.VALUE);
        def("le", (s, a) -> lt(a[0], a[1]) || eq(a[0], new Object[] {a[1]}), false, P.VALUE, P.VALUE);
        def("gt", (s, a) -> !(lt(a[0], a[1]) || eq(a[0], new Object[] {a[1]})), false, P.VALUE, P.VALUE);
        def("ge", (s, a) -> !lt(a[0], a[1]), false, P.VALUE, P.VALUE);
        def("call", (s, a) -> {
            if (a[0] == null) {
                throw new CallError("call of nil");
            }
            throw new CallError("non-function of type " + Values.typeName(a[0]));
        }, true, P.VALUE, P.VALUE);

        // Prometheus (template/template.go).
        def("query", (s, a) -> {
            TemplateData.Query q = s.data().query();
            if (q == null) {
                throw new CallError("the query function is not available here (no evaluator): "
                        + GoFmt.quote((String) a[0]));
            }
            List<TemplateData.Series> result;
            try {
                result = q.run((String) a[0]);
            } catch (BoundedRegex.PoolExhausted e) {
                throw e;
            } catch (Exception e) {
                throw new CallError(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            }
            List<Values.QuerySample> out = new ArrayList<>(result.size());
            for (TemplateData.Series r : result) {
                out.add(new Values.QuerySample(r.labels(), r.value()));
            }
            return new Values.QueryResult(out);
        }, false, P.STRING);
        def("first", (s, a) -> {
            Values.QueryResult r = (Values.QueryResult) a[0];
            if (r == null || r.samples().isEmpty()) {
                throw new CallError("first() called on vector with no elements");
            }
            return r.samples().get(0);
        }, false, P.QUERY_RESULT);
        def("label", (s, a) -> {
            if (a[1] == null) {
                return nilSample(a[1]);
            }
            return ((Values.QuerySample) a[1]).labels().get((String) a[0]);
        }, false, P.STRING, P.SAMPLE);
        def("value", (s, a) -> {
            if (a[0] == null) {
                return nilSample(a[0]);
            }
            return ((Values.QuerySample) a[0]).value();
        }, false, P.SAMPLE);
        def("strvalue", (s, a) -> {
            if (a[0] == null) {
                return nilSample(a[0]);
            }
            return ((Values.QuerySample) a[0]).labels().get("__value__");
        }, false, P.SAMPLE);
        def("sortByLabel", (s, a) -> {
            Values.QueryResult r = (Values.QueryResult) a[1];
            if (r == null) {
                return null;
            }
            String label = (String) a[0];
            List<Values.QuerySample> sorted = new ArrayList<>(r.samples());
            // sort.Stable by the label's value, in Go's order (UTF-8 bytes, which is code point order)
            sorted.sort((x, y) -> compareCodePoints(x.labels().get(label), y.labels().get(label)));
            return new Values.QueryResult(sorted);
        }, false, P.STRING, P.QUERY_RESULT);
        def("args", (s, a) -> {
            TreeMap<String, Object> m = new TreeMap<>();
            for (int i = 0; i < a.length; i++) {
                m.put("arg" + i, a[i]);
            }
            return new Values.AnyMap(m);
        }, true, P.ANY);
        def("reReplaceAll", (s, a) -> {
            GoRegex.Compiled re;
            try {
                re = s.cachedRegex((String) a[0]);
            } catch (GoRegex.RegexError e) {
                String p = (String) a[0];
                String q = p.indexOf('`') < 0 ? "`" + p + "`" : GoFmt.quote(p);
                throw new CallError("regexp: Compile(" + q + "): " + e.getMessage());
            }
            try {
                return GoRegex.replaceAll(re, (String) a[2], (String) a[1]);
            } catch (ExpressionEvaluationException e) {
                throw new CallError(e.getMessage());
            }
        }, false, P.STRING, P.STRING, P.STRING);
        def("safeHtml", (s, a) -> new Values.Html((String) a[0]), false, P.STRING);
        def("match", (s, a) -> {
            try {
                return GoRegex.find(s.cachedRegex((String) a[0]), (String) a[1]);
            } catch (GoRegex.RegexError | ExpressionEvaluationException e) {
                throw new CallError(e.getMessage());
            }
        }, false, P.STRING, P.STRING);
        def("title", (s, a) -> title((String) a[0]), false, P.STRING);
        def("toUpper", (s, a) -> mapRunes((String) a[0], true), false, P.STRING);
        def("toLower", (s, a) -> mapRunes((String) a[0], false), false, P.STRING);
        def("graphLink", (s, a) -> "/graph?g0.expr=" + queryEscape((String) a[0]) + "&g0.tab=0", false, P.STRING);
        def("tableLink", (s, a) -> "/graph?g0.expr=" + queryEscape((String) a[0]) + "&g0.tab=1", false, P.STRING);
        def("humanize", (s, a) -> humanize(toFloat(a[0])), false, P.ANY);
        def("humanize1024", (s, a) -> humanize1024(toFloat(a[0])), false, P.ANY);
        def("humanizeDuration", (s, a) -> humanizeDuration(toFloat(a[0])), false, P.ANY);
        def("humanizePercentage", (s, a) -> g4(toFloat(a[0]) * 100) + "%", false, P.ANY);
        def("humanizeTimestamp", (s, a) -> {
            double v = toFloat(a[0]);
            Values.GoTime t = toTime(v);
            return t == null ? g4(v) : t.toString();
        }, false, P.ANY);
        def("toTime", (s, a) -> {
            Values.GoTime t = toTime(toFloat(a[0]));
            if (t == null) {
                throw new CallError("value is NaN or Inf");
            }
            return t;
        }, false, P.ANY);
        def("parseDuration", (s, a) -> parseDuration((String) a[0]), false, P.STRING);
        def("pathPrefix", (s, a) -> {
            try {
                String p = new URI(s.data().externalUrl()).getPath();
                return p == null ? "" : p;
            } catch (Exception e) {
                return "";
            }
        }, false);
        def("externalURL", (s, a) -> s.data().externalUrl(), false);
        def("stripPort", (s, a) -> {
            String[] hp = splitHostPort((String) a[0]);
            return hp == null ? a[0] : hp[0];
        }, false, P.STRING);
        def("stripDomain", (s, a) -> {
            String hostPort = (String) a[0];
            String[] hp = splitHostPort(hostPort);
            String host = hp == null ? hostPort : hp[0];
            String port = hp == null ? "" : hp[1];
            if (isIp(host)) {
                return hostPort;
            }
            int dot = host.indexOf('.');
            host = dot < 0 ? host : host.substring(0, dot);
            return port.isEmpty() ? host : joinHostPort(host, port);
        }, false, P.STRING);
    }

    static List<String> names() {
        return new ArrayList<>(FUNCS.keySet());
    }
}
