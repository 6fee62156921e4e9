package dev.tocsin.core.internal;

import dev.tocsin.core.AlertContext;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricsView;
import dev.tocsin.core.Rule;
import dev.tocsin.core.RuleCondition;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.Expression;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The {@link Rule} made by {@link Rule.Builder}: either a parsed expression or a Java condition. */
public final class BuiltRule implements Rule {

    private final String name;
    private final Expression expression;
    private final RuleCondition condition;
    private final Duration forDuration;
    private final Duration keepFiringFor;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final Runbook runbook;
    private final AlertContext context;
    private final Set<String> reads;
    private final Set<String> readsOnDemand;
    private final RuleTemplates templates;
    /** What it was built from (a copy), for {@link Spec#of(Rule)}. */
    private final Spec spec;

    private BuiltRule(Spec s) {
        this.spec = s.copy();
        this.name = s.name;
        try {
            this.expression = s.expr == null ? null : Expression.parseRule(s.expr);
        } catch (dev.tocsin.core.ExpressionException e) {
            throw e.of("rule " + s.name); // the rule's name: a service may build many
        }
        this.condition = s.condition;
        this.forDuration = s.forDuration;
        this.keepFiringFor = s.keepFiringFor;
        this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(s.labels));
        this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(s.annotations));
        this.runbook = s.runbook;
        this.context = s.context;
        Set<String> declared = s.reads;
        if (!s.readsOnDemand.isEmpty()) {
            declared = new TreeSet<>(s.reads == null ? Set.of() : s.reads);
            declared.addAll(s.readsOnDemand);
        }
        this.reads = readsOf(expression, condition, context, declared);
        this.readsOnDemand = reads == null ? Set.of() : onDemandOnly(s.readsOnDemand, s.reads, expression);
        this.templates = RuleTemplates.compile(name, labels, annotations);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> expr() {
        return expression().map(Expression::text);
    }

    @Override
    public Optional<Set<String>> reads() {
        return Optional.ofNullable(reads);
    }

    @Override
    public Set<String> readsOnDemand() {
        return readsOnDemand;
    }

    /**
     * The metric names read by the expression (or the declared ones for a Java condition), plus the declared ones of
     * the context; null (any metric) when something reads undeclared metrics.
     */
    private static Set<String> readsOf(Expression expression, RuleCondition condition, AlertContext context,
                                       Set<String> declared) {
        if ((condition != null || context != null) && declared == null) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        if (declared != null) {
            names.addAll(declared);
        }
        if (expression != null) {
            if (expression.readsAllFamilies() || expression.readsAllHistory()) {
                return null;
            }
            names.addAll(expression.metricNames());
            names.addAll(expression.historyMetricNames());
        }
        return Set.copyOf(names);
    }

    /** The names declared on demand that neither a declared read nor the expression reads in every evaluation. */
    private static Set<String> onDemandOnly(Set<String> onDemand, Set<String> declared, Expression expression) {
        Set<String> out = new TreeSet<>(onDemand);
        if (declared != null) {
            out.removeAll(declared);
        }
        if (expression != null) {
            out.removeAll(expression.metricNames());
            out.removeAll(expression.historyMetricNames());
        }
        return Set.copyOf(out);
    }

    /** Returns the parsed expression, if this rule has one. */
    public Optional<Expression> expression() {
        return Optional.ofNullable(expression);
    }

    /** Returns the compiled label and annotation templates. */
    public RuleTemplates templates() {
        return templates;
    }

    @Override
    public List<Sample> evaluate(MetricsView metrics) throws Exception {
        if (condition != null) {
            return condition.evaluate(metrics);
        }
        if (metrics instanceof ExpressionContextProvider) {
            return expression.evaluate(((ExpressionContextProvider) metrics).expressionContext()).samples();
        }
        throw new IllegalStateException("rule " + name + ": an expression rule is evaluated by the evaluator itself,"
                + " not through another rule's evaluate(); to change one (a preset's for, say), build a copy with"
                + " Rule.from(rule)");
    }

    @Override
    public Duration forDuration() {
        return forDuration;
    }

    @Override
    public Duration keepFiringFor() {
        return keepFiringFor;
    }

    @Override
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public Map<String, String> annotations() {
        return annotations;
    }

    @Override
    public Optional<Runbook> runbook() {
        return Optional.ofNullable(runbook);
    }

    @Override
    public Map<String, String> context(Labels alertLabels, MetricsView metrics) throws Exception {
        return context == null ? Map.of() : context.compute(alertLabels, metrics);
    }

    @Override
    public String toString() {
        return "Rule[" + name + ": " + (expression != null ? expression.text() : "<java condition>")
                + (forDuration.isZero() ? "" : " for " + forDuration) + "]";
    }

    /** The mutable settings behind {@link Rule.Builder}. */
    public static final class Spec {
        private final String name;
        private String expr;
        private RuleCondition condition;
        private Duration forDuration = Duration.ZERO;
        private Duration keepFiringFor = Duration.ZERO;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private Runbook runbook;
        private AlertContext context;
        private Set<String> reads;
        private Set<String> readsOnDemand = Set.of();

        /** A copy of another rule: setting an expression or a condition replaces the one it has. */
        private boolean copied;

        /** Starts a spec for the named rule. */
        public Spec(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Returns an empty spec for the named rule. */
        public static Spec of(String name) {
            return new Spec(name);
        }

        /**
         * Returns a spec with everything {@code rule} has: what it was built from for a {@link BuiltRule}; for a host
         * implementation its {@code evaluate} as the condition and its {@code context}, with its settings and declared
         * reads.
         */
        public static Spec of(Rule rule) {
            Objects.requireNonNull(rule, "rule");
            if (rule instanceof BuiltRule) {
                Spec s = ((BuiltRule) rule).spec.copy();
                s.copied = true;
                return s;
            }
            Spec s = new Spec(rule.name());
            s.condition = rule::evaluate;
            s.context = rule::context;
            s.forDuration(rule.forDuration());
            s.keepFiringFor(rule.keepFiringFor());
            rule.labels().forEach(s::label);
            rule.annotations().forEach(s::annotation);
            rule.runbook().ifPresent(s::runbook);
            // reads() includes the on-demand names; the spec keeps them apart (BuiltRule adds them back). A rule
            // that may read anything (no declared reads) gets no on-demand names either: they would narrow it.
            Set<String> onDemand = Set.copyOf(rule.readsOnDemand());
            s.reads = rule.reads().map(r -> {
                Set<String> plain = new TreeSet<>(r);
                plain.removeAll(onDemand);
                return Set.copyOf(plain);
            }).orElse(null);
            s.readsOnDemand = s.reads == null ? Set.of() : onDemand;
            s.copied = true;
            return s;
        }

        private Spec copy() {
            Spec c = new Spec(name);
            c.expr = expr;
            c.condition = condition;
            c.forDuration = forDuration;
            c.keepFiringFor = keepFiringFor;
            c.labels.putAll(labels);
            c.annotations.putAll(annotations);
            c.runbook = runbook;
            c.context = context;
            c.reads = reads;
            c.readsOnDemand = readsOnDemand;
            return c;
        }

        /** Sets the expression. */
        public void expr(String expression) {
            this.expr = Objects.requireNonNull(expression, "expression");
            if (copied) {
                condition = null;
            }
        }

        /** Sets the Java condition. */
        public void condition(RuleCondition c) {
            this.condition = Objects.requireNonNull(c, "condition");
            if (copied) {
                expr = null;
                // the copied rule's declared reads were for what it read (its own condition, or its context next to
                // an expression), not for this condition: it may read anything unless reads are declared again
                reads = null;
                readsOnDemand = Set.of();
            }
        }

        /** Sets {@code for}. */
        public void forDuration(Duration d) {
            this.forDuration = nonNegative(d, "for");
        }

        /** Sets {@code keep_firing_for}. */
        public void keepFiringFor(Duration d) {
            this.keepFiringFor = nonNegative(d, "keep_firing_for");
        }

        /** Adds a label template. */
        public void label(String n, String v) {
            labels.put(Objects.requireNonNull(n, "label name"), Objects.requireNonNull(v, () -> "label " + n));
        }

        /** Adds an annotation template. */
        public void annotation(String n, String v) {
            annotations.put(Objects.requireNonNull(n, "annotation name"),
                    Objects.requireNonNull(v, () -> "annotation " + n));
        }

        /** Sets the runbook. */
        public void runbook(Runbook r) {
            this.runbook = Objects.requireNonNull(r, "runbook");
        }

        /** Sets the context computation. */
        public void context(AlertContext c) {
            this.context = Objects.requireNonNull(c, "context");
        }

        /** Declares the metric names the condition and context read. */
        public void reads(String... metricNames) {
            this.reads = addNames(reads, metricNames, "reads");
        }

        /** Declares the metric names the condition and context read on demand only (also declared reads). */
        public void readsOnDemand(String... metricNames) {
            this.readsOnDemand = addNames(readsOnDemand, metricNames, "readsOnDemand");
        }

        private Set<String> addNames(Set<String> to, String[] metricNames, String what) {
            Objects.requireNonNull(metricNames, "metricNames");
            Set<String> names = to == null ? new TreeSet<>() : new TreeSet<>(to);
            for (String n : metricNames) {
                Objects.requireNonNull(n, "metric name");
                if (!Sample.isValidMetricName(n)) {
                    throw new IllegalArgumentException("rule " + name + ": invalid metric name '" + n + "' in "
                            + what);
                }
                names.add(n);
            }
            return Set.copyOf(names);
        }

        /** Validates and builds. */
        public Rule build() {
            if (name.isEmpty()) {
                // Prometheus accepts any non-empty alert name (e.g. "HaproxyHighHttp4xxErrorRateBackend(v1)")
                throw new IllegalArgumentException("invalid alert name '" + name + "': must not be empty");
            }
            if ((expr == null) == (condition == null)) {
                throw new IllegalArgumentException("rule " + name
                        + ": give exactly one of expr(...) and condition(...)");
            }
            return new BuiltRule(this);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }
}
