package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.TemplateException;
import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.internal.expr.EvalContext;
import dev.tocsin.core.internal.expr.Expression;
import dev.tocsin.core.internal.expr.Vector;
import dev.tocsin.core.internal.template.Template;
import dev.tocsin.core.internal.template.TemplateData;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A rule's label and annotation templates, parsed once. */
public final class RuleTemplates {

    private final List<String> labelNames;
    private final List<Template> labelTemplates;
    private final List<String> annotationNames;
    private final List<Template> annotationTemplates;

    /** The queries written as literals in the templates that parse, read like the rule's own expression. */
    private final List<Expression> queryExpressions;
    /** Whether some template builds a query's text at expansion time. */
    private final boolean dynamicQueries;
    /** Whether some template calls {@code query} at all (a literal text, parsing or not, or a built one). */
    private final boolean usesQuery;
    /** Parsed query texts (an Expression, or the ExpressionException to repeat), at most MAX_PARSED of them. */
    private final Map<String, Object> parsed = new ConcurrentHashMap<>();

    /** How many distinct query texts are kept parsed (texts built at expansion time may vary without bound). */
    static final int MAX_PARSED = 256;

    private RuleTemplates(List<String> ln, List<Template> lt, List<String> an, List<Template> at) {
        this.labelNames = ln;
        this.labelTemplates = lt;
        this.annotationNames = an;
        this.annotationTemplates = at;
        List<Expression> queries = new ArrayList<>();
        boolean dynamic = false;
        List<Template> all = new ArrayList<>(lt);
        all.addAll(at);
        for (Template t : all) {
            for (String q : t.queries()) {
                if (q == null) {
                    dynamic = true;
                    continue;
                }
                Object e = parse(q);
                if (e instanceof Expression) {
                    queries.add((Expression) e); // one that does not parse fails at expansion, as in Prometheus
                }
            }
        }
        this.queryExpressions = Collections.unmodifiableList(queries);
        this.dynamicQueries = dynamic;
        this.usesQuery = all.stream().anyMatch(t -> !t.queries().isEmpty());
    }

    private Object parse(String text) {
        Object e = parsed.get(text);
        if (e == null) {
            try {
                e = Expression.parse(text);
            } catch (ExpressionException x) {
                e = x;
            }
            if (parsed.size() < MAX_PARSED) {
                parsed.put(text, e);
            }
        }
        return e;
    }

    /**
     * Returns the expressions the templates pass to {@code query} as literal strings (those that parse): an
     * evaluator reads their metrics and keeps their history like those of the rule's own expression.
     */
    public List<Expression> queryExpressions() {
        return queryExpressions;
    }

    /** Returns whether some template calls {@code query} at all (literal or built). */
    public boolean usesQuery() {
        return usesQuery;
    }

    /**
     * Returns whether some template builds the text of a {@code query} at expansion time, so that which metrics it
     * reads is not known in advance.
     */
    public boolean hasDynamicQueries() {
        return dynamicQueries;
    }

    /**
     * Returns the templates' {@code query} function over one evaluation: an instant query at its time, seeing what a
     * rule's expression sees (the sources, the recorded series written so far, the history). Each distinct query
     * text is evaluated once per returned function (one rule evaluation), however many alerts expand it.
     *
     * @param ctx the evaluation
     */
    public TemplateData.Query query(EvalContext ctx) {
        // the alerts of one rule evaluation ask the same queries of the same data: each is answered once
        Map<String, List<TemplateData.Series>> answered = new java.util.HashMap<>();
        return text -> {
            List<TemplateData.Series> known = answered.get(text);
            if (known != null) {
                return known;
            }
            Object e = parse(text);
            if (e instanceof ExpressionException) {
                throw (ExpressionException) e;
            }
            Vector v = ((Expression) e).evaluate(ctx);
            List<TemplateData.Series> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                out.add(new TemplateData.Series(v.labels(i), v.value(i)));
            }
            List<TemplateData.Series> result = Collections.unmodifiableList(out);
            if (answered.size() < MAX_PARSED) {
                answered.put(text, result);
            }
            return result;
        };
    }

    /**
     * Parses a rule's templates.
     *
     * @throws dev.tocsin.core.TemplateException if one cannot be parsed
     * @throws IllegalArgumentException if a label or annotation name is invalid
     */
    public static RuleTemplates compile(String ruleName, Map<String, String> labels, Map<String, String> annotations) {
        List<String> ln = new ArrayList<>();
        List<Template> lt = new ArrayList<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!Labels.isValidName(e.getKey()) || e.getKey().equals(Labels.METRIC_NAME)) {
                throw new IllegalArgumentException("rule " + ruleName + ": invalid label name '" + e.getKey() + "'");
            }
            ln.add(e.getKey());
            lt.add(parse(ruleName, "label", e.getKey(), e.getValue()));
        }
        List<String> an = new ArrayList<>();
        List<Template> at = new ArrayList<>();
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            if (!Labels.isValidName(e.getKey())) {
                throw new IllegalArgumentException("rule " + ruleName + ": invalid annotation name '"
                        + e.getKey() + "'");
            }
            an.add(e.getKey());
            at.add(parse(ruleName, "annotation", e.getKey(), e.getValue()));
        }
        return new RuleTemplates(Collections.unmodifiableList(ln), Collections.unmodifiableList(lt),
                Collections.unmodifiableList(an), Collections.unmodifiableList(at));
    }

    /**
     * Parses one template under Prometheus's name for it ({@code __alert_<rule>}, which appears in expansion errors),
     * and reports a parse error with the rule and the label or annotation it belongs to.
     */
    private static Template parse(String ruleName, String kind, String key, String text) {
        try {
            return Template.parse("__alert_" + ruleName, text);
        } catch (TemplateException e) {
            throw new TemplateException(kind + " \"" + key + "\" of rule " + ruleName, e.line(), e.column(),
                    e.detail());
        }
    }

    /** Returns the label names, in definition order. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Returns the label templates, parallel to {@link #labelNames()}. */
    public List<Template> labelTemplates() {
        return labelTemplates;
    }

    /** Returns the annotation names, in definition order. */
    public List<String> annotationNames() {
        return annotationNames;
    }

    /** Returns the annotation templates, parallel to {@link #annotationNames()}. */
    public List<Template> annotationTemplates() {
        return annotationTemplates;
    }
}
