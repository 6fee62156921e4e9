package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;

import java.util.List;

/**
 * What a label or annotation template sees, as in Prometheus: {@code $labels} / {@code .Labels} (the result series'
 * labels), {@code $value} / {@code .Value}, {@code $externalLabels} / {@code .ExternalLabels} and
 * {@code $externalURL} / {@code .ExternalURL}; and what its {@code query} function asks.
 *
 * @param labels the series labels
 * @param value the series value
 * @param externalLabels the evaluator's external labels
 * @param externalUrl the evaluator's external URL (may be empty)
 * @param query runs the template function {@code query}, or {@code null} when there is nothing to query (the function
 *     then fails with an error text in the expansion)
 */
public record TemplateData(Labels labels, double value, Labels externalLabels, String externalUrl, Query query) {

    /**
     * Data without a {@code query} function.
     *
     * @param labels the series labels
     * @param value the series value
     * @param externalLabels the evaluator's external labels
     * @param externalUrl the evaluator's external URL (may be empty)
     */
    public TemplateData(Labels labels, double value, Labels externalLabels, String externalUrl) {
        this(labels, value, externalLabels, externalUrl, null);
    }

    /** The template function {@code query}: an instant query at the evaluation time of the rule being expanded. */
    @FunctionalInterface
    public interface Query {

        /**
         * Runs a PromQL expression and returns its result as a list of series (a scalar as one series without
         * labels), in the order the evaluation produced them.
         *
         * @param expression the PromQL text
         * @return the series
         * @throws Exception when the expression cannot be parsed or evaluated: its message becomes the expansion's
         *     {@code error calling query: ...}
         */
        List<Series> run(String expression) throws Exception;
    }

    /**
     * One series of a query result.
     *
     * @param labels its labels, {@code __name__} included
     * @param value its value
     */
    public record Series(Labels labels, double value) {
    }
}
