package dev.tocsin.core;

/** A label or annotation template (Go text/template) that cannot be parsed. */
public final class TemplateException extends TocsinParseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param templateName the template's name, e.g. the annotation key
     * @param line 1-based line of the problem
     * @param column 1-based column of the problem
     * @param detail what was found and what was expected
     */
    public TemplateException(String templateName, int line, int column, String detail) {
        super("template '" + templateName + "'", line, column, detail);
    }
}
