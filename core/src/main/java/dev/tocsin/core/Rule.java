package dev.tocsin.core;

import dev.tocsin.core.internal.BuiltRule;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An alerting rule: a condition evaluated each cycle, with Prometheus's {@code for}, {@code keep_firing_for},
 * templated labels and annotations, and an optional {@link Runbook}.
 *
 * <p>Build one with {@link #alert(String)}, using a PromQL expression or a Java {@link RuleCondition}:
 * <pre>{@code
 * Rule rule = Rule.alert("CheckoutThin")
 *         .expr("haproxy_backend_current_server{backend=\"checkout\"} < 2")
 *         .forDuration(Duration.ofMinutes(1))
 *         .label("severity", "warning")
 *         .annotation("summary", "checkout has {{ $value }} servers")
 *         .build();
 * }</pre>
 * Host applications may also implement this interface directly; the evaluator then parses the templates of
 * {@link #labels()} and {@link #annotations()} when the rule is registered. Implementations must be immutable.
 */
public interface Rule {

    /**
     * Returns the alert name ({@code alertname}); any non-empty string, as in Prometheus.
     *
     * @return the alert name
     */
    String name();

    /**
     * Returns the series for which the condition holds now. The evaluator calls it for rules with a Java condition and
     * for host implementations; a rule built from an expression is evaluated by the evaluator itself, and its
     * {@code evaluate} fails when called from elsewhere (use {@link #from(Rule)} to change such a rule).
     *
     * @param metrics the metrics of this evaluation
     * @return matching series; each one is an alert candidate
     * @throws Exception when the rule cannot be evaluated; this evaluation then changes none of its alerts
     */
    List<Sample> evaluate(MetricsView metrics) throws Exception;

    /**
     * Returns the PromQL expression this rule evaluates, as written, when it was built with
     * {@link Builder#expr(String)} (or loaded from a rule file); empty for rules with a Java {@link RuleCondition} and
     * for host implementations of this interface.
     *
     * @return the expression, or empty when the rule has none
     */
    default Optional<String> expr() {
        return Optional.empty();
    }

    /**
     * Returns how long the condition must hold before the alert fires; zero by default.
     *
     * @return the {@code for} duration
     */
    default Duration forDuration() {
        return Duration.ZERO;
    }

    /**
     * Returns how long a firing alert keeps firing after its condition stopped holding; zero by default.
     *
     * @return the {@code keep_firing_for} duration
     */
    default Duration keepFiringFor() {
        return Duration.ZERO;
    }

    /**
     * Returns the labels added to every alert, as templates; they win over series labels.
     *
     * @return label names to value templates
     */
    default Map<String, String> labels() {
        return Map.of();
    }

    /**
     * Returns the annotations, as templates.
     *
     * @return annotation names to value templates
     */
    default Map<String, String> annotations() {
        return Map.of();
    }

    /**
     * Returns the runbook attached to every alert of this rule, if any.
     *
     * @return the runbook, or empty
     */
    default Optional<Runbook> runbook() {
        return Optional.empty();
    }

    /**
     * Returns extra diagnostic facts for an active alert (see {@link Alert#context()}); none by default.
     *
     * @param alertLabels the labels of the alert
     * @param metrics the metrics of this evaluation
     * @return fact names to values (empty when there is nothing to add)
     * @throws Exception on failure; the alert then carries no context for this evaluation
     */
    default Map<String, String> context(Labels alertLabels, MetricsView metrics) throws Exception {
        return Map.of();
    }

    /**
     * Returns the metric names this rule reads (its condition and its context), so that sources may skip the others;
     * empty when the rule may read any metric (the default, and always safe). What its label and annotation templates
     * read through {@code query} need not be listed: the evaluator adds it.
     *
     * @return the metric names read, or empty when the rule may read any metric
     */
    default Optional<Set<String>> reads() {
        return Optional.empty();
    }

    /**
     * Returns the part of {@link #reads()} that the condition and context read only through
     * {@link MetricsView#seriesMatching(String, Map)}, for the labels of one alert at a time: a source may then look
     * those series up when asked instead of returning them in every read (see {@link MetricInterest}). Empty by
     * default; ignored when {@link #reads()} is empty.
     *
     * @return the metric names read only on demand
     */
    default Set<String> readsOnDemand() {
        return Set.of();
    }

    /**
     * Starts building an alerting rule with the given name.
     *
     * @param name the alert name
     * @return a new builder
     */
    static Builder alert(String name) {
        return new Builder(BuiltRule.Spec.of(name));
    }

    /**
     * Starts building a copy of {@code rule}, to change some of its settings: a preset's {@code for}, a label, an
     * annotation, its runbook. The copy has the rule's name, its expression or condition, {@code for},
     * {@code keep_firing_for}, labels, annotations, runbook, context and declared reads; a later call replaces a
     * setting ({@link Builder#label(String, String) label} and {@link Builder#annotation(String, String) annotation}
     * replace the value of that name; a label template that expands to empty removes the label, as in Prometheus),
     * and {@link Builder#expr(String) expr} or {@link Builder#condition(RuleCondition) condition} replaces the
     * condition (a new condition also drops the declared reads, which were the old rule's: it may read any metric
     * unless {@link Builder#reads(String...) reads} is called after it). For example:
     * <pre>{@code
     * Rule slower = Rule.from(HaproxyRules.backendDown()).forDuration(Duration.ofMinutes(2)).build();
     * }</pre>
     * Do this rather than implement {@code Rule} by delegating to another rule: a rule built from an expression is
     * evaluated by the evaluator itself (with its history and alert series), not through its
     * {@link #evaluate(MetricsView)}. For a host implementation the copy's condition is that rule's
     * {@code evaluate} and its context that rule's {@code context}.
     *
     * @param rule the rule to copy
     * @return a new builder holding the rule's settings
     */
    static Builder from(Rule rule) {
        return new Builder(BuiltRule.Spec.of(rule));
    }

    /**
     * Builds a {@link Rule}. Each setter checks its own argument at once (a {@code null}, a negative duration);
     * {@link #build()} checks the rest: the name, the expression (with its position on error), the templates, and that
     * the rule has exactly one condition. Not thread-safe; {@link #build()} may be called again after more changes.
     */
    final class Builder {
        private final BuiltRule.Spec spec;

        private Builder(BuiltRule.Spec spec) {
            this.spec = spec;
        }

        /**
         * Sets the condition as a PromQL expression; exclusive with {@link #condition(RuleCondition)}: on a builder
         * from {@link Rule#alert(String)} giving both fails at {@link #build()}; on a copy from {@link Rule#from(Rule)}
         * it replaces the copied rule's condition, whichever kind that was.
         *
         * @param expression the PromQL expression
         * @return this builder
         */
        public Builder expr(String expression) {
            spec.expr(expression);
            return this;
        }

        /**
         * Sets the condition as Java code; exclusive with {@link #expr(String)} (see there for a copied rule, whose
         * declared reads are then dropped too: declare this condition's with {@link #reads}).
         *
         * @param condition the Java condition
         * @return this builder
         */
        public Builder condition(RuleCondition condition) {
            spec.condition(condition);
            return this;
        }

        /**
         * Sets {@code for}: how long the condition must hold before firing (default zero).
         *
         * @param duration the {@code for} duration, not negative
         * @return this builder
         */
        public Builder forDuration(Duration duration) {
            spec.forDuration(duration);
            return this;
        }

        /**
         * Sets {@code keep_firing_for} (default zero).
         *
         * @param duration the {@code keep_firing_for} duration, not negative
         * @return this builder
         */
        public Builder keepFiringFor(Duration duration) {
            spec.keepFiringFor(duration);
            return this;
        }

        /**
         * Adds a label (its value is a template).
         *
         * @param name the label name
         * @param valueTemplate the value template
         * @return this builder
         */
        public Builder label(String name, String valueTemplate) {
            spec.label(name, valueTemplate);
            return this;
        }

        /**
         * Adds labels (values are templates).
         *
         * @param labels label names to value templates
         * @return this builder
         */
        public Builder labels(Map<String, String> labels) {
            java.util.Objects.requireNonNull(labels, "labels").forEach(spec::label);
            return this;
        }

        /**
         * Adds an annotation (its value is a template).
         *
         * @param name the annotation name
         * @param valueTemplate the value template
         * @return this builder
         */
        public Builder annotation(String name, String valueTemplate) {
            spec.annotation(name, valueTemplate);
            return this;
        }

        /**
         * Adds annotations (values are templates).
         *
         * @param annotations annotation names to value templates
         * @return this builder
         */
        public Builder annotations(Map<String, String> annotations) {
            java.util.Objects.requireNonNull(annotations, "annotations").forEach(spec::annotation);
            return this;
        }

        /**
         * Attaches a runbook to every alert of the rule.
         *
         * @param runbook the runbook
         * @return this builder
         */
        public Builder runbook(Runbook runbook) {
            spec.runbook(runbook);
            return this;
        }

        /**
         * Declares the only metric names the Java {@link #condition(RuleCondition) condition} and the
         * {@link #context(AlertContext) context} read, letting sources skip the others (see
         * {@link MetricSource#collect(MetricInterest)}). A rule built from {@link #expr(String)} reads its selectors'
         * metric names plus these. Without this call, a rule with a Java condition or a context may read any metric.
         * The condition and the context then see only these metrics (and the expression's, and those declared with
         * {@link #readsOnDemand(String...)}): another metric reads as empty, whatever the sources returned, so a rule
         * behaves the same against a source that returns everything (a test's) as against one that returns only what
         * the rules declared (an HAProxy's).
         *
         * @param metricNames the metric names read
         * @return this builder
         * @throws IllegalArgumentException if a name is not a valid metric name
         */
        public Builder reads(String... metricNames) {
            spec.reads(metricNames);
            return this;
        }

        /**
         * Declares metric names the condition and the context read only through
         * {@link MetricsView#seriesMatching(String, Map)}, for one alert's labels at a time (for example the servers
         * of the backend an alert is about). They count as declared reads (see {@link #reads(String...)}), and a
         * source may look them up on demand instead of returning them in every read, which saves mapping and memory
         * when they are many and rarely needed. A name also read otherwise (declared with {@link #reads(String...)},
         * read by the expression or by another rule) is read in every evaluation.
         *
         * @param metricNames the metric names read only on demand
         * @return this builder
         * @throws IllegalArgumentException if a name is not a valid metric name
         */
        public Builder readsOnDemand(String... metricNames) {
            spec.readsOnDemand(metricNames);
            return this;
        }

        /**
         * Sets a computation of extra diagnostic facts for active alerts.
         *
         * @param context the computation of the facts
         * @return this builder
         */
        public Builder context(AlertContext context) {
            spec.context(context);
            return this;
        }

        /**
         * Returns the rule.
         *
         * @return the rule
         * @throws ExpressionException if the expression is malformed or unsupported (with its position)
         * @throws TemplateException if a label or annotation template cannot be parsed
         * @throws IllegalArgumentException if the name, a label name or a duration is invalid, or both or neither of
         *     an expression and a condition were given
         */
        public Rule build() {
            return spec.build();
        }
    }
}
