package dev.tocsin.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.internal.notify.JsonWriters;

import java.io.IOException;
import java.util.Locale;

/**
 * A Jackson module that lets host applications serialize Tocsin values with their own {@code ObjectMapper}:
 * {@code mapper.registerModule(new TocsinModule())}.
 *
 * <ul>
 *   <li>{@link Labels}: a JSON object of names to values, sorted by name (also deserialized).</li>
 *   <li>{@link AlertState}: {@code "pending"}, {@code "firing"} or {@code "resolved"} (also deserialized).</li>
 *   <li>{@link Runbook}: {@code title, summary, meaning, impact, impactPoints[], diagnosis[], mitigation[], notes},
 *       plus {@code url} and {@code ruleDefinition} when present.</li>
 *   <li>{@link Alert}: {@code ruleName, state, labels, annotations, value, activeAt}, {@code firedAt} and
 *       {@code resolvedAt} when set, {@code fingerprint}, {@code runbook} when present, {@code context} when not
 *       empty. Times are RFC 3339 in UTC as Go prints them ({@code 2026-11-25T18:00:00.123Z}); a value that is not
 *       finite is written as Prometheus does ({@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}).</li>
 * </ul>
 * No field is ever written as {@code null}.
 */
public final class TocsinModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    /** Creates the module. */
    public TocsinModule() {
        super("TocsinModule", Version.unknownVersion());
        addSerializer(Labels.class, new StdSerializer<>(Labels.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Labels value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                JsonWriters.writeLabels(gen, value);
            }
        });
        addSerializer(AlertState.class, new StdSerializer<>(AlertState.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(AlertState value, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                gen.writeString(JsonWriters.stateName(value));
            }
        });
        addSerializer(Runbook.class, new StdSerializer<>(Runbook.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Runbook value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                JsonWriters.writeRunbook(gen, value);
            }
        });
        addSerializer(Alert.class, new StdSerializer<>(Alert.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Alert value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                JsonWriters.writeAlert(gen, value);
            }
        });
        addDeserializer(Labels.class, new StdDeserializer<>(Labels.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Labels deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    return asLabels(ctxt.handleUnexpectedToken(Labels.class, p), ctxt);
                }
                Labels.Builder b = Labels.builder();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    String value;
                    if (p.nextToken() == JsonToken.VALUE_STRING) {
                        value = p.getText();
                    } else {
                        // a problem handler may turn the value into a string; anything else fails, typed
                        Object handled = ctxt.handleUnexpectedToken(String.class, p);
                        if (!(handled instanceof String)) {
                            throw com.fasterxml.jackson.databind.exc.MismatchedInputException.from(p, Labels.class,
                                    "label " + name + ": expected a string value");
                        }
                        value = (String) handled;
                    }
                    if (!Labels.isValidName(name)) {
                        Object key = ctxt.handleWeirdKey(String.class, name, "invalid label name");
                        if (!(key instanceof String) || !Labels.isValidName((String) key)) {
                            throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p,
                                    "invalid label name", name, Labels.class);
                        }
                        name = (String) key;
                    }
                    b.put(name, value);
                }
                return b.build();
            }

            /** What a problem handler gave instead of a label set: accepted only when it is one. */
            private Labels asLabels(Object handled, DeserializationContext ctxt) throws IOException {
                if (handled instanceof Labels || handled == null) {
                    return (Labels) handled;
                }
                throw com.fasterxml.jackson.databind.exc.MismatchedInputException.from(ctxt.getParser(),
                        Labels.class, "expected a JSON object of label names to string values");
            }
        });
        addDeserializer(AlertState.class, new StdDeserializer<>(AlertState.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public AlertState deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String s = p.getValueAsString();
                if (s != null) {
                    for (AlertState st : AlertState.values()) {
                        if (st.name().equals(s.toUpperCase(Locale.ROOT))) {
                            return st;
                        }
                    }
                }
                return (AlertState) ctxt.handleWeirdStringValue(AlertState.class, s,
                        "expected pending, firing or resolved");
            }
        });
    }
}
