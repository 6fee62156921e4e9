package dev.tocsin.core.internal.notify;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tocsin.core.Labels;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One alert as Alertmanager's API v2 takes it ({@code postableAlert}).
 *
 * @param labels the labels (external labels already added)
 * @param annotations the annotations
 * @param startsAt when it fired
 * @param endsAt when it resolved, or until when it is valid while firing
 * @param generatorUrl the generator URL, empty to omit it
 */
public record AmAlert(Labels labels, Map<String, String> annotations, Instant startsAt, Instant endsAt,
                      String generatorUrl) {

    /** Encodes a batch as the JSON array {@code POST /api/v2/alerts} takes. */
    public static byte[] encode(List<AmAlert> alerts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + alerts.size() * 384);
        try (JsonGenerator g = JsonWriters.FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (AmAlert a : alerts) {
                g.writeStartObject();
                g.writeFieldName("labels");
                JsonWriters.writeLabels(g, a.labels);
                g.writeFieldName("annotations");
                JsonWriters.writeMap(g, a.annotations);
                // milliseconds, always three digits, as Prometheus posts them (the API's strfmt.DateTime)
                g.writeStringField("startsAt", Rfc3339.formatMillis(a.startsAt));
                g.writeStringField("endsAt", Rfc3339.formatMillis(a.endsAt));
                if (!a.generatorUrl.isEmpty()) {
                    g.writeStringField("generatorURL", a.generatorUrl);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
