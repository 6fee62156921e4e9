package dev.tocsin.core.internal.expr;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.util.Objects;
import java.util.Set;

/**
 * A parsed PromQL expression. Parse once with {@link #parse(String)}, evaluate every cycle: parsing tokenizes,
 * builds the AST ({@link #ast()}), applies Prometheus' checks and compiles an evaluation plan, so that evaluation
 * never re-parses text or compiles regular expressions. Instances are immutable and thread-safe.
 *
 * <p>See {@code docs/expressions.md} for the supported language.
 */
public final class Expression {

    private final String text;
    private final Node ast;
    private final Compiler.Compiled compiled;

    private Expression(String text, Node ast, Compiler.Compiled compiled) {
        this.text = text;
        this.ast = ast;
        this.compiled = compiled;
    }

    /**
     * Parses an expression.
     *
     * @throws ExpressionException with line, column and what was expected when malformed or unsupported
     */
    public static Expression parse(String text) {
        return parse(text, false);
    }

    /**
     * Parses a rule's expression: as {@link #parse}, except where Prometheus' rule manager differs from a query of
     * the same text because it evaluates the rule's printed form (today only the labels {@code absent} derives from
     * its selector's matchers, which the printed form lists sorted).
     *
     * @throws ExpressionException with line, column and what was expected when malformed or unsupported
     */
    public static Expression parseRule(String text) {
        return parse(text, true);
    }

    private static Expression parse(String text, boolean ruleForm) {
        Objects.requireNonNull(text, "text");
        Node ast;
        try {
            ast = Parser.parse(text);
        } catch (StackOverflowError e) {
            // Defensive: the parser limits nesting to Parser.MAX_DEPTH, far below any realistic stack size.
            throw new ExpressionException(1, 1, "expression nests too deeply");
        }
        return new Expression(text, ast, Compiler.compile(text, ast, ruleForm));
    }

    /** Returns the source text. */
    public String text() {
        return text;
    }

    /** Returns the parsed syntax tree. */
    public Node ast() {
        return ast;
    }

    /** Returns the metric names this expression reads through {@link EvalContext#family(String)}. */
    public Set<String> metricNames() {
        return compiled.metricNames();
    }

    /**
     * Returns whether this expression has a selector without a fixed metric name (e.g. {@code {job="x"}}), which
     * reads {@link EvalContext#families()}.
     */
    public boolean readsAllFamilies() {
        return compiled.readsAllFamilies();
    }

    /**
     * Returns how far back this expression reads the history: its longest range plus offset, and offset plus the 5
     * minute lookback for instant selectors with {@code offset}; zero when it reads only current samples.
     */
    public java.time.Duration lookbackNeeded() {
        return java.time.Duration.ofMillis(compiled.lookbackMillis());
    }

    /** Returns the metric names whose history this expression reads (range selectors and {@code offset}). */
    public Set<String> historyMetricNames() {
        return compiled.historyNames();
    }

    /**
     * Returns, for each metric name whose history this expression reads, how far back it reads it (that name's
     * longest range plus offset, or offset plus the 5 minute lookback); at most {@link #lookbackNeeded()}.
     */
    public java.util.Map<String, Long> historyLookbackMillis() {
        return compiled.historyLookback();
    }

    /** Returns whether a range or offset selector without a fixed metric name needs the history of every metric. */
    public boolean readsAllHistory() {
        return compiled.historyAllFamilies();
    }

    /**
     * Evaluates the expression against one evaluation's metrics.
     *
     * @return the resulting instant vector (a scalar expression gives one sample without labels)
     * @throws ExpressionEvaluationException when evaluation fails (the rule then changes nothing)
     */
    public Vector evaluate(EvalContext ctx) {
        Vector out = new Vector();
        if (compiled.vector() == null) {
            boolean[] held = new boolean[1];
            double v = compiled.scalar().eval(ctx, held);
            out.add(new Sample(Labels.empty(), v), held[0]);
            return out;
        }
        compiled.vector().eval(ctx, out::add);
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
