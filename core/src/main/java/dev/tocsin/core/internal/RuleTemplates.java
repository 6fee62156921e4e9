package dev.tocsin.core.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.TemplateException;
import dev.tocsin.core.internal.template.Template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A rule's label and annotation templates, parsed once. */
public final class RuleTemplates {

    private final List<String> labelNames;
    private final List<Template> labelTemplates;
    private final List<String> annotationNames;
    private final List<Template> annotationTemplates;

    private RuleTemplates(List<String> ln, List<Template> lt, List<String> an, List<Template> at) {
        this.labelNames = ln;
        this.labelTemplates = lt;
        this.annotationNames = an;
        this.annotationTemplates = at;
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
            throw new TemplateException(kind + " '" + key + "' of rule " + ruleName, e.line(), e.column(),
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
