package dev.tocsin.core.internal.rules;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Rule;
import dev.tocsin.core.TocsinParseException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * promtool's {@code promql_expr_test}: evaluates the expression once at {@code eval_time} over the test's input series
 * and compares the samples with {@code exp_samples}, with promtool's failure text.
 *
 * <p>The expression runs as a throw-away alerting rule on a real evaluator, through the public {@link Rule} API only;
 * a label template carries the series' metric name across (alerts drop {@code __name__}).
 */
final class PromqlChecks {

    private static final String NAME_CARRIER = "__tocsin_promql_name__";
    private static final String RULE = "tocsin_promql_expr_test";

    private record Point(TreeMap<String, String> labels, double value) {
    }

    private PromqlChecks() {
    }

    /** Returns promtool's failure text, or null when the test passed. */
    static String check(String expr, Duration evalTime, List<YamlNode> expSamples, TestSeriesSource source) {
        String head = "    expr: " + RuleTestRunner.goQuote(expr) + ", time: " + PromDuration.format(evalTime);
        List<Point> exp = new ArrayList<>();
        for (YamlNode s : expSamples) {
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
        Rule rule;
        try {
            rule = Rule.alert(RULE).expr(expr).label(NAME_CARRIER, "{{ $labels.__name__ }}").build();
        } catch (TocsinParseException e) {
            return head + ", err: " + e.getMessage();
        } catch (IllegalArgumentException e) {
            return head + ", err: " + e.getMessage();
        }
        List<Point> got = new ArrayList<>();
        source.setNow(evalTime.toMillis());
        try (Evaluator ev = Evaluator.builder().source(source).rule(rule).holdOnSourceFailure(false).build()) {
            ev.evaluate(Instant.ofEpochMilli(evalTime.toMillis()));
            for (Alert a : ev.alerts()) {
                if (a.state() != AlertState.FIRING) {
                    continue;
                }
                TreeMap<String, String> m = new TreeMap<>(a.labels().asMap());
                m.remove("alertname");
                String name = m.remove(NAME_CARRIER);
                if (name != null && !name.isEmpty()) {
                    m.put(Labels.METRIC_NAME, name);
                }
                got.add(new Point(m, a.value()));
            }
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
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0 ? "-" : "") + "0E+00";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - 1 - d.scale();
        StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('E').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        return sb.append(a).toString();
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
        if (t.isEmpty() || !t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E'
                || c == '+' || c == '-' || c == '_')) {
            throw new NumberFormatException(s);
        }
        return Double.parseDouble(t.replace("_", ""));
    }

}
