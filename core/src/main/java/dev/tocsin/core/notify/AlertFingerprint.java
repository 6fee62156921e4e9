package dev.tocsin.core.notify;

import dev.tocsin.core.Labels;
import dev.tocsin.core.internal.notify.Fingerprints;

import java.util.Objects;

/**
 * Alertmanager's fingerprint of a label set: FNV-1a 64 over the labels sorted by name, each name and value followed by
 * the byte {@code 0xff} (prometheus/common {@code model.LabelSet.Fingerprint}), printed as 16 hex digits. It is the
 * {@code fingerprint} Alertmanager shows for an alert with these labels.
 */
public final class AlertFingerprint {

    private AlertFingerprint() {
    }

    /**
     * Returns the fingerprint of {@code labels}, e.g. {@code "cbf29ce484222325"} for the empty set.
     *
     * @param labels the alert's labels
     * @return the fingerprint, 16 lower-case hex digits
     */
    public static String of(Labels labels) {
        return Fingerprints.hex(Objects.requireNonNull(labels, "labels"));
    }
}
