package dev.tocsin.core.internal.notify;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns each evaluation's FIRING / RESOLVED transitions into Alertmanager-webhook-format messages, one per rule and
 * status (split at {@code maxAlerts}), and delivers them on one {@link DeliveryWorker}.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.core.notify.WebhookNotifier");

    /**
     * One message: alerts of one rule with one status.
     *
     * @param status {@code firing} or {@code resolved}
     * @param ruleName the rule's name (the group label {@code alertname})
     * @param alerts the alerts
     */
    public record Message(String status, String ruleName, List<Alert> alerts) {
    }

    /**
     * Settings of the message format.
     *
     * @param receiver the {@code receiver} field
     * @param externalUrl the {@code externalURL} field
     * @param externalLabels labels added to each alert when absent
     * @param generatorUrl each alert's {@code generatorURL}
     * @param includeRunbook whether to add a {@code runbook} object to alerts that have one
     * @param includeContext whether to add a {@code context} object to alerts that have context
     */
    public record Format(String receiver, String externalUrl, Labels externalLabels, String generatorUrl,
                         boolean includeRunbook, boolean includeContext) {
    }

    private final DeliveryWorker<Long, Message> worker;
    private final Transport transport;
    private final boolean ownsTransport;
    private final DeliverySettings settings;
    private final boolean sendResolved;
    private final int maxAlerts;
    private long sequence;

    /** Creates the dispatcher and starts its worker. */
    public WebhookDispatcher(URI url, DeliverySettings settings, Format format, boolean sendResolved, int maxAlerts) {
        settings.validate();
        this.settings = settings;
        this.sendResolved = sendResolved;
        this.maxAlerts = maxAlerts;
        this.ownsTransport = settings.transport == null;
        this.transport = ownsTransport
                ? new HttpTransport(settings.timeout, settings.sslContext, settings.headers())
                : settings.transport;
        this.worker = new DeliveryWorker<>("webhook " + dev.tocsin.core.internal.Urls.describeOrigin(url), url, settings,
                transport, batch -> encode(batch.get(0), format), 1, LOG);
        worker.start();
    }

    /** Returns the worker. */
    public DeliveryWorker<Long, Message> worker() {
        return worker;
    }

    /**
     * Queues the messages for this evaluation's transitions.
     *
     * @return the messages queued
     */
    public List<Message> accept(Notification n) {
        Map<String, List<Alert>> groups = new LinkedHashMap<>();
        for (Alert a : n.transitions()) {
            if (a.state() == AlertState.FIRING || (sendResolved && a.state() == AlertState.RESOLVED)) {
                groups.computeIfAbsent(JsonWriters.stateName(a.state()) + '\u0000' + a.ruleName(),
                        k -> new ArrayList<>()).add(a);
            }
        }
        List<Message> out = new ArrayList<>();
        for (Map.Entry<String, List<Alert>> e : groups.entrySet()) {
            List<Alert> alerts = e.getValue();
            Alert first = alerts.get(0);
            for (int i = 0; i < alerts.size(); i += maxAlerts) {
                Message m = new Message(JsonWriters.stateName(first.state()), first.ruleName(),
                        List.copyOf(alerts.subList(i, Math.min(alerts.size(), i + maxAlerts))));
                out.add(m);
                worker.offer(++sequence, m);
            }
        }
        return out;
    }

    /** Encodes one message in Alertmanager's webhook format (version 4). */
    public static byte[] encode(Message m, Format f) {
        List<Labels> labels = new ArrayList<>(m.alerts().size());
        for (Alert a : m.alerts()) {
            labels.add(withExternal(a.labels(), f.externalLabels()));
        }
        Map<String, String> commonLabels = common(labels.stream().map(Labels::asMap).toList());
        Map<String, String> commonAnnotations = common(m.alerts().stream().map(Alert::annotations).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JsonWriters.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("version", "4");
            // Alertmanager writes the group's label values with Go's %q (strconv.Quote)
            g.writeStringField("groupKey", "{}:{alertname="
                    + dev.tocsin.core.internal.template.GoFmt.quote(m.ruleName()) + "}");
            g.writeNumberField("truncatedAlerts", 0);
            g.writeStringField("status", m.status());
            g.writeStringField("receiver", f.receiver());
            g.writeFieldName("groupLabels");
            JsonWriters.writeMap(g, Map.of("alertname", m.ruleName()));
            g.writeFieldName("commonLabels");
            JsonWriters.writeMap(g, commonLabels);
            g.writeFieldName("commonAnnotations");
            JsonWriters.writeMap(g, commonAnnotations);
            g.writeStringField("externalURL", f.externalUrl());
            g.writeArrayFieldStart("alerts");
            for (int i = 0; i < m.alerts().size(); i++) {
                Alert a = m.alerts().get(i);
                Labels l = labels.get(i);
                g.writeStartObject();
                g.writeStringField("status", m.status());
                g.writeFieldName("labels");
                JsonWriters.writeLabels(g, l);
                g.writeFieldName("annotations");
                JsonWriters.writeMap(g, a.annotations());
                JsonWriters.writeTime(g, "startsAt", a.firedAt().orElse(a.activeAt()));
                if (a.state() == AlertState.RESOLVED && a.resolvedAt().isPresent()) {
                    JsonWriters.writeTime(g, "endsAt", a.resolvedAt().get());
                } else {
                    g.writeStringField("endsAt", Rfc3339.GO_ZERO_TIME);
                }
                g.writeStringField("generatorURL", f.generatorUrl());
                g.writeStringField("fingerprint", Fingerprints.hex(l));
                if (f.includeRunbook() && a.runbook().isPresent()) {
                    g.writeFieldName("runbook");
                    JsonWriters.writeRunbook(g, a.runbook().get());
                }
                if (f.includeContext() && !a.context().isEmpty()) {
                    g.writeFieldName("context");
                    JsonWriters.writeMap(g, a.context());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Map<String, String> common(List<Map<String, String>> maps) {
        Map<String, String> c = new LinkedHashMap<>(maps.isEmpty() ? Map.of() : new java.util.TreeMap<>(maps.get(0)));
        for (int i = 1; i < maps.size(); i++) {
            Map<String, String> m = maps.get(i);
            c.entrySet().removeIf(e -> !Objects.equals(m.get(e.getKey()), e.getValue()));
        }
        return c;
    }

    static Labels withExternal(Labels labels, Labels external) {
        Labels out = labels;
        for (int i = 0; i < external.size(); i++) {
            if (!out.has(external.name(i))) {
                out = out.with(external.name(i), external.value(i));
            }
        }
        return out;
    }

    /** Flushes within the flush timeout, then stops. */
    @Override
    public void close() {
        worker.beginClose();
        worker.awaitClose(System.nanoTime() + settings.flushTimeout.toNanos());
        if (ownsTransport) {
            transport.close();
        }
    }
}
