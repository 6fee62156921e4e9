/**
 * Metric sources that are not specific to one product: {@link dev.tocsin.core.source.PrometheusTextSource} scrapes any
 * endpoint that serves the Prometheus text exposition format.
 */
package dev.tocsin.core.source;
