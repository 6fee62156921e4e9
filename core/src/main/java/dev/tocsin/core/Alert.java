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

    private Alert(Builder b) {
        this.ruleName = b.ruleName;
        this.labels = b.labels;
        this.annotations = b.annotations.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(b.annotations));
        this.state = b.state;
        this.value = b.value;
        this.activeAt = b.activeAt;
        this.firedAt = b.firedAt;
        this.resolvedAt = b.resolvedAt;
        this.runbook = b.runbook;
        this.context = b.context.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(b.context));
    }

    /**
     * Starts a snapshot. Host code normally receives alerts rather than creating them; this exists for tests and
     * custom notifiers.
     *
     * @param ruleName the rule's name ({@code alertname})
     * @param labels the final labels; {@code alertname} is added when missing
     * @param state the state
     * @param activeAt when the condition first held
     * @return a builder; the other fields default to no annotations, value 0, no firing or resolution time, no
     *     runbook and no context
     * @throws NullPointerException naming the argument, if one is null
     */
    public static Builder builder(String ruleName, Labels labels, AlertState state, Instant activeAt) {
        return new Builder(ruleName, labels, state, activeAt);
    }

    /**
     * Returns a builder holding this snapshot's fields, to make a changed copy (a resolved one, say).
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(ruleName, labels, state, activeAt);
        b.annotations = annotations;
        b.value = value;
        b.firedAt = firedAt;
        b.resolvedAt = resolvedAt;
        b.runbook = runbook;
        b.context = context;
        return b;
    }

    /**
     * Builds an {@link Alert}; {@link #build()} checks that the times fit the state. Not thread-safe.
     */
    public static final class Builder {
        private final String ruleName;
        private Labels labels;
        private AlertState state;
        private final Instant activeAt;
        private Map<String, String> annotations = Map.of();
        private double value;
        private Instant firedAt;
        private Instant resolvedAt;
        private Runbook runbook;
        private Map<String, String> context = Map.of();

        private Builder(String ruleName, Labels labels, AlertState state, Instant activeAt) {
            this.ruleName = Objects.requireNonNull(ruleName, "ruleName");
            this.labels = Objects.requireNonNull(labels, "labels");
            this.state = Objects.requireNonNull(state, "state");
            this.activeAt = Objects.requireNonNull(activeAt, "activeAt");
        }

        /**
         * Sets the state.
         *
         * @param state the state
         * @return this builder
         */
        public Builder state(AlertState state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /**
         * Sets the expanded annotations (default none).
         *
         * @param annotations the annotations
         * @return this builder
         */
        public Builder annotations(Map<String, String> annotations) {
            this.annotations = Objects.requireNonNull(annotations, "annotations");
            return this;
        }

        /**
         * Sets the value of the series that triggered it (default 0).
         *
         * @param value the value
         * @return this builder
         */
        public Builder value(double value) {
            this.value = value;
            return this;
        }

        /**
         * Sets when it went FIRING (required for a FIRING alert; a RESOLVED one has it when it had fired).
         *
         * @param firedAt the time
         * @return this builder
         */
        public Builder firedAt(Instant firedAt) {
            this.firedAt = Objects.requireNonNull(firedAt, "firedAt");
            return this;
        }

        /**
         * Sets when it resolved (required for a RESOLVED alert, refused for the others).
         *
         * @param resolvedAt the time
         * @return this builder
         */
        public Builder resolvedAt(Instant resolvedAt) {
            this.resolvedAt = Objects.requireNonNull(resolvedAt, "resolvedAt");
            return this;
        }

        /**
         * Sets the rule's runbook (default none).
         *
         * @param runbook the runbook
         * @return this builder
         */
        public Builder runbook(Runbook runbook) {
            this.runbook = Objects.requireNonNull(runbook, "runbook");
            return this;
        }

        /**
         * Sets the extra facts the rule attached (not annotations; default none).
         *
         * @param context the facts
         * @return this builder
         */
        public Builder context(Map<String, String> context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Returns the snapshot.
         *
         * @return the alert
         * @throws IllegalArgumentException if the labels' {@code alertname} is not the rule's name, a FIRING alert has
         *     no firing time, a RESOLVED one no resolution time, a PENDING one either, or a FIRING one a resolution
         *     time
         */
        public Alert build() {
            if (!labels.has("alertname")) {
                labels = labels.with("alertname", ruleName);
            } else if (!labels.get("alertname").equals(ruleName)) {
                String name = labels.get("alertname");
                throw new IllegalArgumentException("the alertname label (" + name + ") is not the rule's name ("
                        + ruleName + ")");
            }
            switch (state) {
                case PENDING:
                    if (firedAt != null || resolvedAt != null) {
                        throw new IllegalArgumentException("a PENDING alert has neither fired nor resolved");
                    }
                    break;
                case FIRING:
                    if (firedAt == null || resolvedAt != null) {
                        throw new IllegalArgumentException("a FIRING alert has a firing time and no resolution time");
                    }
                    break;
                default:
                    if (resolvedAt == null) {
                        throw new IllegalArgumentException("a RESOLVED alert has a resolution time");
                    }
            }
            return new Alert(this);
        }
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
