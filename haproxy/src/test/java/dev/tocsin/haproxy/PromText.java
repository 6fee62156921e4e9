package dev.tocsin.haproxy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A small, strict parser of the Prometheus text exposition format (0.0.4) for tests: {@code # ...} lines and blank
 * lines are skipped, every other line must be {@code name{label="value",...} value [timestamp]}. Label values may
 * contain the escapes {@code \\}, {@code \"} and {@code \n}; anything else (unknown escape, unterminated string,
 * duplicate label, duplicate series, junk after the value) is an {@link IllegalArgumentException} naming the line.
 */
final class PromText {

    private PromText() {
    }

    /** Returns series key ({@link #key}) to value, in input order. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                Parsed p = new Cursor(line).series();
                String k = key(p.name, p.labels);
                if (out.put(k, p.value) != null) {
                    throw new IllegalArgumentException("duplicate series " + k);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return out;
    }

    /** The canonical key of a series: {@code name{a="x",b="y"}} with labels sorted by name, values re-escaped. */
    static String key(String name, Map<String, String> labels) {
        StringBuilder b = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(e.getKey()).append("=\"")
                    .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
        }
        return b.append('}').toString();
    }

    /** The metric name of a key. */
    static String nameOf(String key) {
        return key.substring(0, key.indexOf('{'));
    }

    /** The labels of a key (parsed back). */
    static SortedMap<String, String> labelsOf(String key) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(new Cursor(key + " 0").series().labels));
    }

    private record Parsed(String name, Map<String, String> labels, double value) {
    }

    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        Parsed series() {
            String name = name(true);
            Map<String, String> labels = new TreeMap<>();
            if (i < s.length() && s.charAt(i) == '{') {
                i++;
                while (true) {
                    if (peek() == '}') {
                        i++;
                        break;
                    }
                    String ln = name(false);
                    expect('=');
                    String v = quoted();
                    if (labels.put(ln, v) != null) {
                        throw new IllegalArgumentException("duplicate label " + ln);
                    }
                    char c = peek();
                    if (c == ',') {
                        i++;
                    } else if (c != '}') {
                        throw new IllegalArgumentException("expected ',' or '}' at column " + (i + 1));
                    }
                }
            }
            if (peek() != ' ') {
                throw new IllegalArgumentException("expected a space before the value at column " + (i + 1));
            }
            String[] rest = s.substring(i).trim().split(" +");
            if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
                throw new IllegalArgumentException("expected 'value [timestamp]' after the labels");
            }
            if (rest.length == 2) {
                Long.parseLong(rest[1]);
            }
            return new Parsed(name, labels, value(rest[0]));
        }

        private static double value(String v) {
            switch (v) {
                case "+Inf":
                case "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                case "NaN":
                    return Double.NaN;
                default:
                    if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                        throw new IllegalArgumentException("not a number: '" + v + "'");
                    }
                    return Double.parseDouble(v);
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end of line");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at column " + (i + 1));
            }
            i++;
        }

        private String name(boolean metric) {
            int start = i;
            while (i < s.length()) {
                char c = s.charAt(i);
                boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                        || (i > start && c >= '0' && c <= '9') || (metric && c == ':');
                if (!ok) {
                    break;
                }
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("expected a " + (metric ? "metric" : "label")
                        + " name at column " + (i + 1));
            }
            return s.substring(start, i);
        }

        private String quoted() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = peek();
                i++;
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = peek();
                    i++;
                    switch (e) {
                        case '\\':
                            b.append('\\');
                            break;
                        case '"':
                            b.append('"');
                            break;
                        case 'n':
                            b.append('\n');
                            break;
                        default:
                            throw new IllegalArgumentException("unknown escape \\" + e + " at column " + i);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }
}
