package dev.tocsin.core.internal.rules;

import dev.tocsin.core.Labels;
import dev.tocsin.core.TocsinParseException;
import dev.tocsin.core.internal.expr.Expression;
import dev.tocsin.core.internal.expr.PromDuration;
import dev.tocsin.core.internal.expr.Vector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * promtool's {@code promql_expr_test}: evaluates the expression once at {@code eval_time} over the test's input series
 * and the series the recording rules wrote (an instant query on the evaluator's state at that time), and compares the
 * samples with {@code exp_samples}, with promtool's failure text.
 */
final class PromqlChecks {

    private record Point(TreeMap<String, String> labels, double value) {
    }

    /** One test case, its expression parsed before the evaluations start (so its ranges' history is kept). */
    static final class Prepared {
        final String expr;
        final Duration evalTime;
        final List<YamlNode> expSamples;
        final Expression parsed;
        final String parseError;

        Prepared(String expr, Duration evalTime, List<YamlNode> expSamples) {
            this.expr = expr;
            this.evalTime = evalTime;
            this.expSamples = expSamples;
            Expression p = null;
            String err = null;
            try {
                p = Expression.parse(expr);
            } catch (TocsinParseException e) {
                err = e.getMessage();
            }
            this.parsed = p;
            this.parseError = err;
        }

        /** Returns the parsed expression, if it parsed. */
        Optional<Expression> expression() {
            return Optional.ofNullable(parsed);
        }
    }

    private PromqlChecks() {
    }

    /** Returns promtool's failure text, or null when the test passed. */
    static String check(Prepared q, Function<Expression, Vector> query) {
        String head = "    expr: " + RuleTestRunner.goQuote(q.expr) + ", time: " + PromDuration.format(q.evalTime);
        if (q.parsed == null) {
            return head + ", err: " + q.parseError;
        }
        Vector result;
        try {
            result = query.apply(q.parsed);
        } catch (RuntimeException e) {
            return head + ", err: " + e.getMessage();
        }
        List<Point> got = new ArrayList<>();
        for (int i = 0; i < result.size(); i++) {
            got.add(new Point(new TreeMap<>(result.sample(i).labels().asMap()), result.sample(i).value()));
        }
        List<Point> exp = new ArrayList<>();
        for (YamlNode s : q.expSamples) {
            YamlNode l = s.map().get("labels");
            String labelsText = l == null || l.isNull() ? "" : l.text();
            Labels labels;
            try {
                labels = SeriesNotation.parseSeries(labelsText, false);
            } catch (TocsinParseException e) {
                return head + ", err: labels " + RuleTestRunner.goQuote(labelsText) + ": " + e.getMessage();
            }
            YamlNode v = s.map().get("value");
            double value;
            try {
                value = v == null || v.isNull() ? 0 : yamlFloat(v.text());
            } catch (NumberFormatException e) {
                return head + ", err: value " + RuleTestRunner.goQuote(v.text()) + " is not a number";
            }
            exp.add(new Point(new TreeMap<>(labels.asMap()), value));
        }
        exp.sort((x, y) -> RuleTestRunner.compare(x.labels(), y.labels()));
        got.sort((x, y) -> RuleTestRunner.compare(x.labels(), y.labels()));
        if (same(exp, got)) {
            return null;
        }
        return head + ",\n        exp: " + format(exp) + "\n        got: " + format(got);
    }

    /** reflect.DeepEqual on float64: NaN never equals NaN. */
    private static boolean same(List<Point> a, List<Point> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).labels().equals(b.get(i).labels()) || !(a.get(i).value() == b.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    private static String format(List<Point> ps) {
        if (ps.isEmpty()) {
            return "nil";
        }
        StringBuilder sb = new StringBuilder();
        for (Point p : ps) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(RuleTestRunner.format(p.labels())).append(' ').append(formatE(p.value()));
        }
        return sb.toString();
    }

    /** Go's strconv.FormatFloat(v, 'E', -1, 64), e.g. {@code 1E+00}, {@code 1.5E-07}, {@code +Inf}. */
    static String formatE(double v) {
        return dev.tocsin.core.internal.template.GoFloat.formatE(v);
    }

    /** A YAML 1.1 float as Go's yaml.v2 reads it into a float64. */
    static double yamlFloat(String s) {
        String t = s.strip();
        switch (t) {
            case ".inf": case ".Inf": case ".INF": case "+.inf": case "+.Inf": case "+.INF":
                return Double.POSITIVE_INFINITY;
            case "-.inf": case "-.Inf": case "-.INF":
                return Double.NEGATIVE_INFINITY;
            case ".nan": case ".NaN": case ".NAN":
                return Double.NaN;
            default:
                break;
        }
        // yaml.v2's resolution of a plain scalar, which promtool's test files go through: underscores removed, then
        // Go's ParseInt(s, 0, 64) (0x, 0o, 0b, and a leading 0 for octal), ParseUint, then a YAML-style float
        String plain = t.replace("_", "");
        java.util.regex.Matcher m = YAML_INT.matcher(plain);
        if (m.matches()) {
            String digits = m.group(3);
            int radix = 10;
            if (m.group(2) != null) {
                char p = Character.toLowerCase(m.group(2).charAt(1));
                radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
            } else if (digits.length() > 1 && digits.charAt(0) == '0') {
                radix = 8;
            }
            java.math.BigInteger v = null;
            try {
                v = new java.math.BigInteger(digits, radix);
            } catch (NumberFormatException e) {
                // not an integer in that base ("08", "1e2"): perhaps a float
            }
            if (v != null) {
                if ("-".equals(m.group(1))) {
                    v = v.negate();
                }
                boolean fitsInt = v.bitLength() < 64;
                boolean fitsUint = m.group(1) == null && v.bitLength() <= 64;
                if (fitsInt || fitsUint) {
                    return v.doubleValue();
                }
            }
        }
        if (!YAML_FLOAT.matcher(plain).matches()) {
            throw new NumberFormatException(s);
        }
        return Double.parseDouble(plain);
    }

    /** Go's base-0 integer syntax (sign, prefix, digits) after yaml.v2 removed the underscores. */
    private static final java.util.regex.Pattern YAML_INT = java.util.regex.Pattern.compile(
            "([+-])?(0[xX](?=[0-9a-fA-F])|0[oO](?=[0-7])|0[bB](?=[01]))?([0-9a-fA-F]+)");
    /** yaml.v2's {@code yamlStyleFloat}. */
    private static final java.util.regex.Pattern YAML_FLOAT = java.util.regex.Pattern.compile(
            "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

}
