package dev.tocsin.core;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of one alert: one rule's instance for one final label set.
 *
 * <p>The alert a snapshot is of is identified by {@link #ruleName()} plus {@link #labels()} (which include
 * {@code alertname}): every snapshot of one alert has them, whatever its state, value or annotations. {@link #equals}
 * compares every field: two snapshots are equal when they say the same. Times follow Prometheus: {@code activeAt} is when the condition first held, {@code firedAt} when the
 * alert went FIRING, {@code resolvedAt} when it resolved.
 */
public final class Alert {

    private final String ruleName;
    private final Labels labels;
    private final Map<String, String> annotations;
    private final AlertState state;
    private final double value;
    private final Instant activeAt;
    private final Instant firedAt;
    private final Instant resolvedAt;
    private final Runbook runbook;
    private final Map<String, String> context;

    /**
     * Creates a snapshot. Host code normally receives alerts rather than creating them; this constructor exists for
     * tests and custom notifiers.
     *
     * @param ruleName the rule's name ({@code alertname})
     * @param labels the final labels, including {@code alertname}
     * @param annotations the expanded annotations
     * @param state the state
     * @param value the value of the series that triggered it
     * @param activeAt when the condition first held
     * @param firedAt when it fired, or {@code null} if it never did
     * @param resolvedAt when it resolved, or {@code null} if it has not
     * @param runbook the rule's runbook, or {@code null}
     * @param context extra facts the rule attached (not annotations), may be empty
     * @throws NullPointerException naming the argument, if one that may not be null is
     */
    public Alert(String ruleName, Labels labels, Map<String, String> annotations, AlertState state, double value,
                 Instant activeAt, Instant firedAt, Instant resolvedAt, Runbook runbook,
                 Map<String, String> context) {
        this.ruleName = Objects.requireNonNull(ruleName, "ruleName");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.annotations = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(annotations,
                "annotations")));
        this.state = Objects.requireNonNull(state, "state");
        this.value = value;
        this.activeAt = Objects.requireNonNull(activeAt, "activeAt");
        this.firedAt = firedAt;
        this.resolvedAt = resolvedAt;
        this.runbook = runbook;
        this.context = Objects.requireNonNull(context, "context").isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(context));
    }

    /**
     * Returns the rule's name, equal to the {@code alertname} label.
     *
     * @return the rule's name
     */
    public String ruleName() {
        return ruleName;
    }

    /**
     * Returns the final labels (series labels without {@code __name__}, rule labels, {@code alertname}).
     *
     * @return the final labels
     */
    public Labels labels() {
        return labels;
    }

    /**
     * Returns the expanded annotations, sorted by key.
     *
     * @return annotation names to expanded values
     */
    public Map<String, String> annotations() {
        return annotations;
    }

    /**
     * Returns the state.
     *
     * @return the state
     */
    public AlertState state() {
        return state;
    }

    /**
     * Returns the value of the triggering series at the last evaluation where it was present.
     *
     * @return the value
     */
    public double value() {
        return value;
    }

    /**
     * Returns when the condition first held (start of PENDING).
     *
     * @return the time the condition first held
     */
    public Instant activeAt() {
        return activeAt;
    }

    /**
     * Returns when the alert went FIRING, if it did.
     *
     * @return the time it fired, or empty
     */
    public Optional<Instant> firedAt() {
        return Optional.ofNullable(firedAt);
    }

    /**
     * Returns when the alert resolved, if it did.
     *
     * @return the time it resolved, or empty
     */
    public Optional<Instant> resolvedAt() {
        return Optional.ofNullable(resolvedAt);
    }

    /**
     * Returns the rule's runbook, if it has one.
     *
     * @return the runbook, or empty
     */
    public Optional<Runbook> runbook() {
        return Optional.ofNullable(runbook);
    }

    /**
     * Returns diagnostic facts the rule attached when the alert became PENDING or FIRING (for example which servers of
     * a backend are down and why). They are not annotations: they do not change the alert's Prometheus-compatible payload.
     * A RESOLVED alert keeps the facts of its last PENDING or FIRING evaluation (what was wrong, not what is now).
     *
     * @return fact names to values, sorted by name (empty when there are none)
     */
    public Map<String, String> context() {
        return context;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Alert)) {
            return false;
        }
        Alert a = (Alert) o;
        return ruleName.equals(a.ruleName) && labels.equals(a.labels) && annotations.equals(a.annotations)
                && state == a.state && Double.compare(value, a.value) == 0 && activeAt.equals(a.activeAt)
                && Objects.equals(firedAt, a.firedAt) && Objects.equals(resolvedAt, a.resolvedAt)
                && Objects.equals(runbook, a.runbook) && context.equals(a.context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ruleName, labels, state, activeAt, firedAt, resolvedAt);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(state).append(' ').append(ruleName).append(labels).append(" value=").append(value)
                .append(" activeAt=").append(activeAt);
        if (firedAt != null) {
            sb.append(" firedAt=").append(firedAt);
        }
        if (resolvedAt != null) {
            sb.append(" resolvedAt=").append(resolvedAt);
        }
        return sb.toString();
    }
}
