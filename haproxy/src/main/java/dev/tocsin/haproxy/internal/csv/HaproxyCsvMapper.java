package dev.tocsin.haproxy.internal.csv;

/**
 * Parses HAProxy's CSV statistics and maps them to haproxy_exporter v1 metrics. PLACEHOLDER: being written.
 */
public final class HaproxyCsvMapper {

    private final MappingOptions options;

    /** Creates a mapper with the given options. Thread-safe; reuse it across scrapes. */
    public HaproxyCsvMapper(MappingOptions options) {
        this.options = options;
    }

    /**
     * Parses and maps one CSV document.
     *
     * @param csv the bytes (UTF-8/ASCII) as HAProxy sent them
     * @param length how many bytes of {@code csv} are valid
     * @return the samples and skipped rows
     * @throws dev.tocsin.haproxy.CsvFormatException when the document as a whole is unusable (no header, not CSV),
     *     with the line number
     */
    public ScrapeResult map(byte[] csv, int length) {
        throw new UnsupportedOperationException("not yet implemented " + options);
    }
}
