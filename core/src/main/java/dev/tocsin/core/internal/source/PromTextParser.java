package dev.tocsin.core.internal.source;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.source.PrometheusTextFormatException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parser of the Prometheus text exposition format 0.0.4, following Prometheus 2.x's own parser ({@code textparse}):
 * {@code # HELP} and {@code # TYPE} lines (checked, otherwise ignored), other comments ignored, blank lines ignored,
 * samples {@code name{label="value",...} value [timestamp]}. Label values unescape {@code \\}, {@code \"} and
 * {@code \n} (other backslash sequences are kept as written, as Prometheus does); values are Go floats including
 * {@code NaN}, {@code +Inf}, {@code -Inf}; the timestamp, when present, must be an integer and is not used. A label
 * with an empty value is dropped (it is the same as no label in Prometheus). Histograms and summaries are read as
 * their plain sample lines. The first malformed line fails the whole text, with its line and column.
 *
 * <p>Stateless and thread-safe.
 */
public final class PromTextParser {

    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private PromTextParser() {
    }

    /** The parsed samples, and how many later samples repeated a series already seen (those are dropped). */
    public record Result(List<Sample> samples, int duplicates) {
        /** Copies. */
        public Result {
            samples = List.copyOf(samples);
        }
    }

    /**
     * Decodes UTF-8 strictly and parses.
     *
     * @param input what is being read, for messages
     * @throws PrometheusTextFormatException on invalid UTF-8 or any malformed line
     */
    public static Result parse(String input, byte[] utf8) {
        return parse(input, utf8, 0);
    }

    /**
     * Decodes UTF-8 strictly and parses, stopping once there are more than {@code sampleLimit} samples (0: no limit).
     *
     * @param input what is being read, for messages
     * @throws PrometheusTextFormatException on invalid UTF-8 or any malformed line
     * @throws SampleLimitExceeded when the text has more samples than the limit
     */
    public static Result parse(String input, byte[] utf8, int sampleLimit) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length + 1);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            int pos = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < pos; i++) {
                if (utf8[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new PrometheusTextFormatException(input, line, pos - lineStart + 1, "invalid UTF-8");
        }
        out.flip();
        return parse(input, out.toString(), sampleLimit);
    }

    /** The text has more samples than the limit it was parsed with (Prometheus' {@code sample_limit}). */
    public static final class SampleLimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SampleLimitExceeded(int limit) {
            super("more than " + limit + " samples", null, false, false);
        }
    }

    /**
     * Parses text.
     *
     * @param input what is being read, for messages
     * @throws PrometheusTextFormatException on any malformed line
     */
    public static Result parse(String input, String text) {
        return parse(input, text, 0);
    }

    private static Result parse(String input, String text, int sampleLimit) {
        List<Sample> samples = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        int duplicates = 0;
        int lineNo = 0;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            lineNo++;
            Sample s = new Line(input, text, start, end, lineNo).parse();
            if (s != null) {
                // Prometheus' sample_limit counts every sample line of the scrape, repeated series included
                if (sampleLimit > 0 && samples.size() + duplicates >= sampleLimit) {
                    throw new SampleLimitExceeded(sampleLimit);
                }
                if (seen.add(s.labels())) {
                    samples.add(s);
                } else {
                    duplicates++;
                }
            }
            start = end + 1;
        }
        return new Result(samples, duplicates);
    }

    /** One line being parsed. */
    private static final class Line {
        private final String input;
        private final String text;
        private final int begin;
        private final int end;
        private final int lineNo;
        private int pos;

        Line(String input, String text, int begin, int end, int lineNo) {
            this.input = input;
            this.text = text;
            this.begin = begin;
            this.end = end;
            this.lineNo = lineNo;
            this.pos = begin;
        }

        Sample parse() {
            skipBlanks();
            if (pos >= end) {
                return null;
            }
            if (text.charAt(pos) == '#') {
                comment();
                return null;
            }
            return sample();
        }

        private void comment() {
            pos++;
            if (pos >= end || !isBlank(text.charAt(pos))) {
                return; // "#text": a plain comment
            }
            skipBlanks();
            int kwStart = pos;
            while (pos < end && !isBlank(text.charAt(pos))) {
                pos++;
            }
            String keyword = text.substring(kwStart, pos);
            boolean help = keyword.equals("HELP");
            boolean type = keyword.equals("TYPE");
            if (!help && !type) {
                return; // any other comment
            }
            if (pos >= end) {
                return; // "# HELP" with nothing after the keyword: a plain comment, as in Prometheus
            }
            skipBlanks();
            int nameCol = pos;
            String name = metricName();
            if (name == null) {
                throw error(nameCol, "invalid metric name in # " + keyword);
            }
            if (pos < end && !isBlank(text.charAt(pos))) {
                throw error(pos, "invalid character after the metric name in # " + keyword);
            }
            skipBlanks();
            if (type) {
                int typeCol = pos;
                int e = end;
                while (e > pos && isBlank(text.charAt(e - 1))) {
                    e--;
                }
                String t = text.substring(pos, e);
                if (!TYPES.contains(t)) {
                    throw error(typeCol, "invalid metric type '" + shorten(t) + "'; expected counter, gauge, "
                            + "histogram, summary or untyped");
                }
            }
            pos = end; // HELP text: any characters
        }

        private Sample sample() {
            int nameCol = pos;
            String name = metricName();
            if (name == null) {
                throw error(nameCol, "expected a metric name, a comment or a blank line");
            }
            Labels.Builder labels = Labels.builder();
            Set<String> names = new HashSet<>();
            labels.put(Labels.METRIC_NAME, name);
            names.add(Labels.METRIC_NAME);
            if (pos < end && !isBlank(text.charAt(pos)) && text.charAt(pos) != '{') {
                throw error(pos, "invalid character '" + printable(text.charAt(pos)) + "' in metric name");
            }
            skipBlanks();
            if (pos < end && text.charAt(pos) == '{') {
                pos++;
                labelSet(labels, names);
                skipBlanks();
            }
            if (pos >= end) {
                throw error(pos, "expected a value after the metric");
            }
            int valueCol = pos;
            String value = token();
            double v = parseValue(value, valueCol);
            skipBlanks();
            if (pos < end) {
                int tsCol = pos;
                String ts = token();
                if (!ts.matches("[0-9]+") || !fitsLong(ts)) {
                    throw error(tsCol, "invalid timestamp '" + shorten(ts) + "': expected an integer in milliseconds");
                }
                skipBlanks();
                if (pos < end) {
                    throw error(pos, "unexpected text after the timestamp");
                }
            }
            return new Sample(labels.build(), v);
        }

        private void labelSet(Labels.Builder labels, Set<String> names) {
            while (true) {
                skipBlanks();
                if (pos >= end) {
                    throw error(pos, "unterminated label set: expected a label name or '}'");
                }
                if (text.charAt(pos) == '}') {
                    pos++;
                    return;
                }
                int nameCol = pos;
                String ln = labelName();
                if (ln == null) {
                    throw error(nameCol, "expected a label name or '}'");
                }
                skipBlanks();
                if (pos >= end || text.charAt(pos) != '=') {
                    throw error(pos, "expected '=' after label name " + ln);
                }
                pos++;
                skipBlanks();
                if (pos >= end || text.charAt(pos) != '"') {
                    throw error(pos, "expected '\"' to start the value of label " + ln);
                }
                pos++;
                String value = labelValue(ln);
                if (!names.add(ln)) {
                    throw error(nameCol, "duplicate label name " + ln);
                }
                if (!value.isEmpty()) {
                    labels.put(ln, value);
                }
                skipBlanks();
                if (pos >= end) {
                    throw error(pos, "unterminated label set: expected ',' or '}'");
                }
                char c = text.charAt(pos);
                if (c == ',') {
                    pos++;
                } else if (c != '}') {
                    throw error(pos, "expected ',' or '}' after the value of label " + ln + ", found '"
                            + printable(c) + "'");
                }
            }
        }

        private String labelValue(String ln) {
            StringBuilder b = new StringBuilder();
            while (pos < end) {
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return b.toString();
                }
                if (c == '\\') {
                    if (pos + 1 >= end) {
                        break;
                    }
                    char e = text.charAt(pos + 1);
                    if (e == '\\' || e == '"') {
                        b.append(e);
                    } else if (e == 'n') {
                        b.append('\n');
                    } else {
                        b.append(c).append(e);
                    }
                    pos += 2;
                    continue;
                }
                b.append(c);
                pos++;
            }
            throw error(pos, "unterminated value of label " + ln + ": expected '\"'");
        }

        private String metricName() {
            int s = pos;
            if (pos >= end || !isNameStart(text.charAt(pos), true)) {
                return null;
            }
            pos++;
            while (pos < end && isNameChar(text.charAt(pos), true)) {
                pos++;
            }
            return text.substring(s, pos);
        }

        private String labelName() {
            int s = pos;
            if (pos >= end || !isNameStart(text.charAt(pos), false)) {
                return null;
            }
            pos++;
            while (pos < end && isNameChar(text.charAt(pos), false)) {
                pos++;
            }
            return text.substring(s, pos);
        }

        private String token() {
            int s = pos;
            while (pos < end && !isBlank(text.charAt(pos))) {
                pos++;
            }
            return text.substring(s, pos);
        }

        private double parseValue(String v, int col) {
            String lower = v.toLowerCase(java.util.Locale.ROOT);
            String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
            boolean negative = lower.startsWith("-");
            if (unsigned.equals("inf") || unsigned.equals("infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (lower.equals("nan")) {
                return Double.NaN; // Go's ParseFloat takes no sign before NaN
            }
            // Prometheus' text parser takes Go's decimal floats only (no hexadecimal: it refuses 'p', 'P' and '_')
            if (v.matches("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                double d = Double.parseDouble(v);
                if (Double.isInfinite(d)) {
                    throw error(col, "sample value '" + shorten(v) + "' out of range");
                }
                return d;
            }
            throw error(col, "invalid sample value '" + shorten(v) + "'");
        }

        private static boolean fitsLong(String ts) {
            try {
                Long.parseLong(ts.startsWith("+") ? ts.substring(1) : ts);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        private void skipBlanks() {
            while (pos < end && isBlank(text.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t' || c == '\r';
        }

        private static boolean isNameStart(char c, boolean colon) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
        }

        private static boolean isNameChar(char c, boolean colon) {
            return isNameStart(c, colon) || (c >= '0' && c <= '9');
        }

        private PrometheusTextFormatException error(int at, String detail) {
            return new PrometheusTextFormatException(input, lineNo, at - begin + 1, detail);
        }

        private static String shorten(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length() && i < 40; i++) {
                b.append(printable(s.charAt(i)));
            }
            return s.length() > 40 ? b + "..." : b.toString();
        }

        private static String printable(char c) {
            return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }
    }
}
