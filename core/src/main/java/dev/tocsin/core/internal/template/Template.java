package dev.tocsin.core.internal.template;

import dev.tocsin.core.TemplateException;

/**
 * A parsed Go text/template as Prometheus uses it for alert labels and annotations. Parse once, expand every cycle.
 *
 * <p>PLACEHOLDER: replaced by the real template engine. For now only literal text is accepted.
 */
public final class Template {

    private final String name;
    private final String text;

    private Template(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /**
     * Parses a template.
     *
     * @param name the template's name (label or annotation key), used in messages
     * @param text the template text
     * @throws TemplateException with line and column when it cannot be parsed
     */
    public static Template parse(String name, String text) {
        if (text.contains("{{")) {
            throw new TemplateException(name, 1, text.indexOf("{{") + 1, "templates are not implemented yet");
        }
        return new Template(name, text);
    }

    /** Returns the template's name. */
    public String name() {
        return name;
    }

    /**
     * Expands the template. Never throws: an error while expanding yields
     * {@code <error expanding template: ...>} as Prometheus does.
     */
    public String expand(TemplateData data) {
        return text;
    }
}
