package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Sample;

import java.util.List;
import java.util.Objects;

/**
 * The samples mapped from one CSV document, plus the rows that were skipped.
 *
 * @param samples the exporter-compatible samples (without instance/job: the evaluator adds those)
 * @param rows the number of data rows read (excluding the header, blank lines and {@code #} comment lines); every
 *     one of them is either kept or listed in {@code skippedRows}
 * @param keptRows the data rows that were not skipped as malformed ({@code rows - keptRows} were skipped)
 * @param skippedRows rows skipped as malformed, with their 1-based line number and reason; at most
 *     {@value HaproxyCsvMapper#MAX_REPORTED_ERRORS} are listed
 * @param servers the state of every kept server row, in CSV order, when the mapper was asked for them (always
 *     through {@link HaproxyCsvMapper#map(byte[], int, dev.tocsin.core.MetricInterest)}); else empty
 * @param fieldErrors values that were not numbers in numeric columns (no sample for them; the row is kept); at
 *     most {@value HaproxyCsvMapper#MAX_REPORTED_ERRORS} are listed, {@code parseFailures} counts all
 * @param parseFailures skipped rows plus field errors: what haproxy_exporter adds to
 *     {@code haproxy_exporter_csv_parse_failures_total} for this document
 * @param serverRows the kept server rows, when the mapper was asked to keep them; else null
 */
public record ScrapeResult(List<Sample> samples, int rows, int keptRows, List<SkippedRow> skippedRows, List<ServerState> servers,
                           List<FieldError> fieldErrors, int parseFailures, ServerRows serverRows) {

    /**
     * Copies the small lists; {@code samples} and {@code servers} are taken as they are (large: the mapper hands over
     * unmodifiable lists and does not keep a reference to modify them).
     */
    public ScrapeResult {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(servers, "servers");
        skippedRows = List.copyOf(skippedRows);
        fieldErrors = List.copyOf(fieldErrors);
    }

    /** Creates a result without server states or field errors. */
    public ScrapeResult(List<Sample> samples, int rows, List<SkippedRow> skippedRows) {
        this(samples, rows, rows - skippedRows.size(), skippedRows, List.of(), List.of(), skippedRows.size(), null);
    }

    /**
     * A malformed row that was skipped.
     *
     * @param line 1-based line number in the CSV
     * @param reason what was wrong
     */
    public record SkippedRow(int line, String reason) {
    }

    /**
     * A value that was not a number in a numeric column.
     *
     * @param line 1-based line number in the CSV
     * @param column the CSV column name
     * @param reason what was wrong (the value, truncated)
     */
    public record FieldError(int line, String column, String reason) {
    }
}
