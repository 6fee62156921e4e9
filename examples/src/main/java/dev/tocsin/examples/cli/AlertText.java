package dev.tocsin.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders alerts for people and programs: one readable line, one JSON object, or a full description with the
 * annotations, the diagnostic context and the runbook.
 */
public final class AlertText {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 100;

    private AlertText() {
    }

    /**
     * Returns when the alert made its latest transition: resolved, fired, or became active.
     *
     * @param alert the alert
     * @return the time of its latest transition
     */
    public static Instant transitionTime(Alert alert) {
        if (alert.state() == AlertState.RESOLVED && alert.resolvedAt().isPresent()) {
            return alert.resolvedAt().get();
        }
        if (alert.state() == AlertState.FIRING && alert.firedAt().isPresent()) {
            return alert.firedAt().get();
        }
        return alert.activeAt();
    }

    /**
     * Returns one line: state, name, labels (without {@code alertname}), the summary annotation and the diagnostic
     * context, e.g. {@code FIRING HaproxyBackendDown{backend="app", ...} HAProxy backend down (...) [servers_up: 0 of 2
     * servers UP; ...]}.
     *
     * @param alert the alert
     * @return the line, without a line break
     */
    public static String line(Alert alert) {
        StringBuilder sb = new StringBuilder();
        sb.append(alert.state()).append(' ').append(alert.ruleName())
                .append(alert.labels().without("alertname"));
        String summary = alert.annotations().getOrDefault("summary", "");
        if (!summary.isEmpty()) {
            sb.append(' ').append(oneLine(summary));
        }
        if (!alert.context().isEmpty() && alert.state() != AlertState.RESOLVED) {
            List<String> facts = new ArrayList<>();
            alert.context().forEach((k, v) -> facts.add(k + ": " + oneLine(v)));
            sb.append(" [").append(String.join("; ", facts)).append(']');
        }
        return printable(sb.toString());
    }

    /**
     * Returns the alert as one JSON object (no line breaks): {@code time, state, alertname, labels, annotations, value,
     * activeAt, firedAt, resolvedAt, context, runbook}; absent times and runbook are left out.
     *
     * @param alert the alert
     * @return the JSON text
     */
    public static String json(Alert alert) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", transitionTime(alert).toString());
        o.put("state", alert.state().name());
        o.put("alertname", alert.ruleName());
        ObjectNode labels = o.putObject("labels");
        alert.labels().forEach(labels::put);
        ObjectNode annotations = o.putObject("annotations");
        alert.annotations().forEach(annotations::put);
        o.put("value", alert.value());
        o.put("activeAt", alert.activeAt().toString());
        alert.firedAt().ifPresent(t -> o.put("firedAt", t.toString()));
        alert.resolvedAt().ifPresent(t -> o.put("resolvedAt", t.toString()));
        ObjectNode context = o.putObject("context");
        alert.context().forEach(context::put);
        alert.runbook().ifPresent(rb -> {
            ObjectNode r = o.putObject("runbook");
            r.put("title", rb.title());
            r.put("summary", rb.summary());
            rb.url().ifPresent(u -> r.put("url", u.toString()));
        });
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Returns a description over several lines, each starting with {@code indent}: state and times, labels,
     * annotations, the diagnostic context and the runbook (title, summary, meaning, diagnosis and mitigation steps).
     *
     * @param alert the alert
     * @param indent the text each line starts with
     * @return the lines, each ending with a line break
     */
    public static String details(Alert alert, String indent) {
        StringBuilder sb = new StringBuilder();
        sb.append(indent).append(alert.ruleName()).append(" is ").append(alert.state())
                .append(" (since ").append(transitionTime(alert).truncatedTo(ChronoUnit.MILLIS))
                .append(", value ").append(alert.value())
                .append(")\n");
        sb.append(indent).append("Labels:      ").append(alert.labels()).append('\n');
        sb.append(indent).append("Annotations:\n");
        for (Map.Entry<String, String> a : alert.annotations().entrySet()) {
            appendField(sb, indent + "  ", a.getKey(), a.getValue());
        }
        if (!alert.context().isEmpty()) {
            sb.append(indent).append("Diagnosis context (from HAProxy's statistics):\n");
            for (Map.Entry<String, String> c : alert.context().entrySet()) {
                appendField(sb, indent + "  ", c.getKey(), c.getValue().replace("; ", "\n"));
            }
        }
        if (alert.runbook().isPresent()) {
            // the runbook's own text, each line wrapped under its indentation
            String[] lines = alert.runbook().get().toText().split("\n");
            sb.append(indent).append("Runbook: ").append(lines[0]).append('\n');
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                String lead = line.substring(0, line.length() - line.stripLeading().length());
                wrap(sb, indent + "  " + lead, line.strip());
            }
        }
        return printable(sb.toString());
    }

    private static void appendField(StringBuilder sb, String indent, String key, String value) {
        String[] lines = value.split("\n", -1);
        String head = key + ": ";
        sb.append(indent).append(head).append(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            sb.append(indent).append(" ".repeat(head.length())).append(lines[i].strip()).append('\n');
        }
    }

    /** Appends text wrapped at about {@value #WIDTH} columns; continuation lines are indented by three more. */
    private static void wrap(StringBuilder sb, String indent, String text) {
        String rest = oneLine(text);
        String prefix = indent;
        int width = Math.max(40, WIDTH - indent.length());
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = width;
            }
            sb.append(prefix).append(rest, 0, cut).append('\n');
            rest = rest.substring(cut).strip();
            prefix = indent + "   ";
        }
        sb.append(prefix).append(rest).append('\n');
    }

    /**
     * Returns {@code s} safe for a terminal: control characters other than line breaks and tabs (an escape sequence
     * in a backend name or a label value could rewrite the screen) are written as {@code \\xNN}, invisible format
     * characters (a right-to-left override) and Unicode line separators as {@code \\uNNNN}.
     */
    static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // controls, and the invisible format characters (bidi overrides, U+2028) that can disguise a line
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
                    || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (control) {
                    sb.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String oneLine(String s) {
        return dev.tocsin.core.internal.LineBreaks.join(s);
    }
}
