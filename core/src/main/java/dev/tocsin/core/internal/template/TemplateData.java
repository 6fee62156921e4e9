package dev.tocsin.core.internal.template;

import dev.tocsin.core.Labels;

/**
 * What a label or annotation template sees, as in Prometheus: {@code $labels} / {@code .Labels} (the result series'
 * labels), {@code $value} / {@code .Value}, {@code $externalLabels} / {@code .ExternalLabels} and
 * {@code $externalURL} / {@code .ExternalURL}.
 *
 * @param labels the series labels
 * @param value the series value
 * @param externalLabels the evaluator's external labels
 * @param externalUrl the evaluator's external URL (may be empty)
 */
public record TemplateData(Labels labels, double value, Labels externalLabels, String externalUrl) {
}
