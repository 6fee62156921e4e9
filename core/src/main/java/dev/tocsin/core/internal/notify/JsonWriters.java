package dev.tocsin.core.internal.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Runbook;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Streaming JSON writers shared by the notifiers and the public Jackson module. Never writes null values. */
public final class JsonWriters {

    /** The factory every notifier uses. */
    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonWriters() {
    }

    /** Writes labels as an object, in sorted order. */
    public static void writeLabels(JsonGenerator g, Labels labels) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < labels.size(); i++) {
            g.writeStringField(labels.name(i), labels.value(i));
        }
        g.writeEndObject();
    }

    /** Writes a string map as an object (null values skipped). */
    public static void writeMap(JsonGenerator g, Map<String, String> map) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                g.writeStringField(e.getKey(), e.getValue());
            }
        }
        g.writeEndObject();
    }

    /** Writes an instant as a Go RFC 3339 string. */
    public static void writeTime(JsonGenerator g, String field, Instant t) throws IOException {
        g.writeStringField(field, Rfc3339.format(t));
    }

    /** Returns the state's JSON name: {@code pending}, {@code firing} or {@code resolved}. */
    public static String stateName(AlertState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Writes a runbook as structured JSON: title, summary, meaning, impact, impactPoints, diagnosis, mitigation,
     * notes, and url / ruleDefinition when present.
     */
    public static void writeRunbook(JsonGenerator g, Runbook rb) throws IOException {
        g.writeStartObject();
        g.writeStringField("title", rb.title());
        g.writeStringField("summary", rb.summary());
        g.writeStringField("meaning", rb.meaning());
        g.writeStringField("impact", rb.impact());
        writeList(g, "impactPoints", rb.impactPoints());
        writeList(g, "diagnosis", rb.diagnosis());
        writeList(g, "mitigation", rb.mitigation());
        g.writeStringField("notes", rb.notes());
        if (rb.url().isPresent()) {
            g.writeStringField("url", rb.url().get().toString());
        }
        if (rb.ruleDefinition().isPresent()) {
            g.writeStringField("ruleDefinition", rb.ruleDefinition().get());
        }
        g.writeEndObject();
    }

    private static void writeList(JsonGenerator g, String field, List<String> items) throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : items) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /**
     * Writes a number, or Prometheus's string form ({@code NaN}, {@code +Inf}, {@code -Inf}) when it is not finite,
     * since JSON has no such numbers.
     */
    public static void writeValue(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeStringField(field, "NaN");
        } else if (Double.isInfinite(v)) {
            g.writeStringField(field, v > 0 ? "+Inf" : "-Inf");
        } else {
            g.writeNumberField(field, v);
        }
    }

    /**
     * Writes a whole alert: ruleName, state, labels, annotations, value, activeAt, firedAt and resolvedAt when set,
     * fingerprint, runbook when present, context when not empty.
     */
    public static void writeAlert(JsonGenerator g, Alert a) throws IOException {
        g.writeStartObject();
        g.writeStringField("ruleName", a.ruleName());
        g.writeStringField("state", stateName(a.state()));
        g.writeFieldName("labels");
        writeLabels(g, a.labels());
        g.writeFieldName("annotations");
        writeMap(g, a.annotations());
        writeValue(g, "value", a.value());
        writeTime(g, "activeAt", a.activeAt());
        if (a.firedAt().isPresent()) {
            writeTime(g, "firedAt", a.firedAt().get());
        }
        if (a.resolvedAt().isPresent()) {
            writeTime(g, "resolvedAt", a.resolvedAt().get());
        }
        g.writeStringField("fingerprint", Fingerprints.hex(a.labels()));
        if (a.runbook().isPresent()) {
            g.writeFieldName("runbook");
            writeRunbook(g, a.runbook().get());
        }
        if (!a.context().isEmpty()) {
            g.writeFieldName("context");
            writeMap(g, a.context());
        }
        g.writeEndObject();
    }
}
