package dev.tocsin.core;

import dev.tocsin.core.internal.DefaultEvaluator;
import dev.tocsin.core.rules.AlertingRule;
import dev.tocsin.core.rules.GroupRule;
import dev.tocsin.core.rules.RecordingRule;
import dev.tocsin.core.rules.RuleGroups;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Reads the registered {@link MetricSource}s, evaluates the registered {@link Rule}s with Prometheus's alerting
 * semantics, and tells {@link AlertListener}s and {@link Notifier}s about every transition.
 *
 * <p>{@link RecordingRule}s take part too: each evaluation runs the alerting and recording rules one after the other in
 * registration order, and a recording rule's output is visible to the rules after it in the same evaluation (and to
 * the rules before it in the next one, through the 5-minute lookback), as in a Prometheus rule group.
 *
 * <p>Either call {@link #start()} (evaluations every {@link Builder#interval(Duration) interval} on one scheduler
 * thread, or on an executor you pass), or step it yourself with {@link #evaluate(Instant)}; do not mix both.
 * Thread-safe: rules may be added and removed while it runs. {@link #close()} stops it and closes the notifiers.
 *
 * <pre>{@code
 * try (Evaluator evaluator = Evaluator.builder()
 *         .source(lb)
 *         .rule(HaproxyRules.backendDown())
 *         .listener(alert -> log.warn("{}", alert))
 *         .build()) {
 *     evaluator.start();
 *     ...
 * }
 * }</pre>
 */
public interface Evaluator extends AutoCloseable {

    /**
     * Returns a new builder.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Starts periodic evaluation: the first one at once, then every interval. As in a Prometheus rule group, the
     * evaluations' times are whole intervals apart (the first one's clock time plus k intervals: the latest such time
     * not after the clock when the timer fires, allowing 1 ms + 1 % of the interval for a timer that fires early),
     * so an alert with {@code for: 6s} at a 2 s interval fires exactly 6 s after it became pending, not one interval later because a timer fired a few microseconds early. Evaluations
     * missed while one overran are skipped, not run back to back; a clock stepped back (or frozen) starts a new grid
     * from its time. A slow {@link AlertListener} delays the next evaluation the same way.
     *
     * @throws IllegalStateException if already started or closed, or if the executor given to the builder refuses
     *     the first evaluation (it is shut down); {@code start()} may then be called again
     */
    void start();

    /**
     * Runs one evaluation at {@code now}: reads every source, evaluates every rule, calls listeners and notifiers.
     * Never throws because of a source, rule, listener or notifier (an exception or an error such as a
     * {@code StackOverflowError}: only {@code OutOfMemoryError} and the JVM's internal errors pass); their failures
     * are logged. Evaluations run one at a time; the rules are those registered when it starts (one added meanwhile
     * takes part from the next one).
     *
     * @param now the evaluation time (normally the clock's instant)
     * @return the transitions of this evaluation, in order
     * @throws IllegalStateException if closed, or if called from a listener, notifier, source or rule of an
     *     evaluation in progress (evaluations do not nest)
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted while the sources are
     *     read: nothing is updated (a read cut short is no failed source) and the interrupt flag stays set
     */
    List<Alert> evaluate(Instant now);

    /**
     * Registers a rule; it takes part from the next evaluation on.
     *
     * @param rule the rule
     * @throws TemplateException if a custom rule's template cannot be parsed
     * @throws IllegalArgumentException if the rule is invalid
     * @throws IllegalStateException if closed
     */
    void addRule(Rule rule);

    /**
     * Removes every registered rule with this name, and their alerts (without sending anything). Works after
     * {@link #close()} too (there is nothing left to send).
     *
     * @param name the alert name
     * @return whether a rule was removed
     */
    boolean removeRule(String name);

    /**
     * Returns the registered alerting rules, in registration order.
     *
     * @return the alerting rules
     */
    List<Rule> rules();

    /**
     * Registers a recording rule after every rule registered so far; it takes part from the next evaluation on.
     *
     * @param rule the recording rule
     * @throws IllegalStateException if closed
     */
    void addRecordingRule(RecordingRule rule);

    /**
     * Removes every registered recording rule recording this metric name. Their series disappear at once (the history
     * gets staleness markers at the next evaluation).
     *
     * @param name the metric name the rules record
     * @return whether a recording rule was removed
     */
    boolean removeRecordingRule(String name);

    /**
     * Returns the registered recording rules, in registration order.
     *
     * @return the recording rules
     */
    List<RecordingRule> recordingRules();

    /**
     * Returns every current alert (PENDING, FIRING, and RESOLVED ones still retained) as of the last evaluation,
     * ordered by rule (in registration order), then by labels.
     *
     * @return the alerts
     */
    List<Alert> alerts();

    /**
     * Returns how the last finished evaluation went (its phases' durations and the series it read), or empty before
     * the first one. A failed source or rule does not make an evaluation unfinished. The default (for evaluators
     * other than the one {@link #builder()} builds, such as test doubles) returns empty.
     *
     * @return the last evaluation's statistics, or empty
     */
    default java.util.Optional<EvaluationStats> lastEvaluation() {
        return java.util.Optional.empty();
    }

    /**
     * Stops evaluating and closes every notifier (each flushes what it holds, within its own flush timeout; they
     * close in parallel). Waits up to 10 s for an evaluation in progress, so that its notifiers are not closed under
     * it (and says so at WARN when it gives up). Called from a listener, notifier, source or rule, the evaluation in
     * progress ends first (its notifiers still hear it), then closes the rest. Idempotent: a second call, from
     * another thread, returns once the first has closed everything.
     */
    @Override
    void close();

    /**
     * Configures an {@link Evaluator}. Defaults: interval 5 s, system UTC clock, one daemon scheduler thread, no
     * external labels, sources held on failure for at most 5 minutes.
     */
    final class Builder {
        private final List<MetricSource> sources = new ArrayList<>();
        /** Alerting rules ({@link Rule}) and recording rules ({@link RecordingRule}), in registration order. */
        private final List<Object> rules = new ArrayList<>();
        private final List<AlertListener> listeners = new ArrayList<>();
        private final List<Notifier> notifiers = new ArrayList<>();
        private Duration interval = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService executor;
        private Labels externalLabels = Labels.empty();
        private String externalUrl = "";
        private boolean holdOnSourceFailure = true;
        private Duration sourceStaleness = Duration.ofMinutes(5);

        private Builder() {
        }

        /**
         * Adds a source. Two sources may not share both {@code instance} and {@code job}.
         *
         * @param source the source
         * @return this builder
         */
        public Builder source(MetricSource source) {
            sources.add(Objects.requireNonNull(source, "source"));
            return this;
        }

        /**
         * Adds a rule.
         *
         * @param rule the alerting rule
         * @return this builder
         */
        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Adds rules.
         *
         * @param rules the alerting rules, added in iteration order
         * @return this builder
         */
        public Builder rules(Iterable<? extends Rule> rules) {
            Objects.requireNonNull(rules, "rules").forEach(this::rule);
            return this;
        }

        /**
         * Adds a recording rule, evaluated after the rules added before it and before those added after it.
         *
         * @param rule the recording rule
         * @return this builder
         */
        public Builder recordingRule(RecordingRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Adds every alerting and recording rule of a rule file, group after group, each group's rules in file order
         * (the order Prometheus evaluates them in). A group's {@code limit} applies to each of its rules, as in
         * Prometheus: an alerting rule with more alerts than the limit (pending or firing) fails its evaluation and
         * drops all its alerts without notifying; a recording rule with more series fails and records nothing.
         *
         * <p>A group's {@code interval}, when set, paces its rules as Prometheus paces the group: they run at the
         * first evaluation, then at the first evaluation at least that interval after their last run (half the
         * evaluator's interval, at most half the group's, is forgiven, so that an evaluation landing a little early
         * does not delay them a whole evaluator interval). In the evaluations in between, an alerting rule's alerts
         * stay as its last run left them (and are sent again unless that run failed), and a recording rule's output
         * stays visible for the usual 5-minute lookback. A group interval shorter than the evaluator's has no effect:
         * no rule runs more often than the evaluator. ({@link dev.tocsin.core.rules.RuleTests} ignores group
         * intervals, as {@code promtool test rules} does.)
         *
         * @param file the parsed rule file
         * @return this builder
         */
        public Builder ruleGroups(RuleGroups file) {
            for (dev.tocsin.core.rules.RuleGroup g : Objects.requireNonNull(file, "file").groups()) {
                long every = g.interval().toMillis();
                for (GroupRule r : g.rulesInFileOrder()) {
                    Object x = r instanceof AlertingRule ? ((AlertingRule) r).rule() : r;
                    rules.add(g.limit() > 0 || every > 0 ? new DefaultEvaluator.Grouped(x, g.limit(), every) : x);
                }
            }
            return this;
        }

        /**
         * Adds a listener, called on every transition.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(AlertListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a notifier, called after every evaluation. The evaluator built takes it over: its {@link Evaluator#close()}
         * closes the notifier. So a notifier belongs to one evaluator: a builder that builds a second one hands it the
         * same notifier instances, which stop sending (with one WARN) once either evaluator is closed; give each
         * evaluator its own. If {@link #build()} throws, nothing was taken over and closing them stays the caller's job.
         *
         * @param notifier the notifier
         * @return this builder
         */
        public Builder notifier(Notifier notifier) {
            notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /**
         * Sets the evaluation interval (default 5 s; at least 1 ms, at most 365 days).
         *
         * @param interval the evaluation interval
         * @return this builder
         */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException("interval must be at least 1 ms: " + interval);
            }
            if (interval.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("interval must be at most 365 days: " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * Sets the clock that {@link Evaluator#start()} reads (default {@link Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs periodic evaluations on this executor instead of the evaluator's own thread. The caller owns it: it is
         * not shut down by {@link Evaluator#close()}.
         *
         * @param executor the executor to schedule evaluations on
         * @return this builder
         */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets the external labels seen as {@code $externalLabels} in templates. Notifiers take their own external
         * labels (e.g. {@code AlertmanagerNotifier.builder().externalLabels(...)}): alerts keep the rule's labels.
         *
         * @param externalLabels the external labels
         * @return this builder
         */
        public Builder externalLabels(Labels externalLabels) {
            this.externalLabels = Objects.requireNonNull(externalLabels, "externalLabels");
            return this;
        }

        /**
         * Sets the external URL seen as {@code $externalURL} in templates. (Notifiers take their own
         * {@code generatorUrl}.)
         *
         * @param externalUrl the external URL
         * @return this builder
         */
        public Builder externalUrl(String externalUrl) {
            this.externalUrl = Objects.requireNonNull(externalUrl, "externalUrl");
            return this;
        }

        /**
         * Whether alerts built on a failed source's series hold their state (neither resolve nor start) while the
         * source is down, up to {@link #sourceStaleness(Duration)}. Default {@code true}; {@code false} gives
         * Prometheus's behaviour, where a failed scrape makes the series vanish and firing alerts resolve.
         *
         * @param hold whether to hold them
         * @return this builder
         */
        public Builder holdOnSourceFailure(boolean hold) {
            this.holdOnSourceFailure = hold;
            return this;
        }

        /**
         * How long after a source's last successful read its series are still trusted while it fails (default 5
         * minutes). After that they count as gone.
         *
         * @param staleness how long the series are trusted, not negative
         * @return this builder
         */
        public Builder sourceStaleness(Duration staleness) {
            Objects.requireNonNull(staleness, "staleness");
            if (staleness.isNegative()) {
                throw new IllegalArgumentException("staleness must not be negative: " + staleness);
            }
            this.sourceStaleness = staleness;
            return this;
        }

        /**
         * Returns the evaluator (not started).
         *
         * @return the evaluator
         * @throws IllegalArgumentException if two sources share instance and job, or a rule is invalid (nothing is
         *     started then, and the notifiers given are not closed)
         */
        public Evaluator build() {
            return new DefaultEvaluator(List.copyOf(sources), List.copyOf(rules), List.copyOf(listeners),
                    List.copyOf(notifiers), interval, clock, executor, externalLabels, externalUrl,
                    holdOnSourceFailure, sourceStaleness);
        }
    }
}
