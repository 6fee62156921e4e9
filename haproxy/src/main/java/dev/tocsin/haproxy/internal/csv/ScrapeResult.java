package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Sample;

import java.util.List;

/**
 * The samples mapped from one CSV document, plus the rows that were skipped.
 *
 * @param samples the exporter-compatible samples (without instance/job: the evaluator adds those)
 * @param rows the number of data rows read (excluding the header)
 * @param skippedRows rows skipped as malformed, with their 1-based line number and reason
 */
public record ScrapeResult(List<Sample> samples, int rows, List<SkippedRow> skippedRows) {

    /**
     * A malformed row that was skipped.
     *
     * @param line 1-based line number in the CSV
     * @param reason what was wrong
     */
    public record SkippedRow(int line, String reason) {
    }
}
