package dev.tocsin.haproxy.internal.csv;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tocsin.haproxy.CsvFormatException;
import dev.tocsin.haproxy.StatusMapping;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes give a result or a {@link CsvFormatException}, nothing else, and the same one when fed in pieces. Regression inputs (every {@code mvn verify})
 * are in {@code HaproxyCsvMapperFuzzTestInputs/map/}: real HAProxy CSVs, truncated variants, garbage. Set
 * {@code JAZZER_FUZZ=1} to fuzz.
 */
class HaproxyCsvMapperFuzzTest {

    /** Shared on purpose: exercises the cross-scrape row cache with unrelated documents. */
    private static final HaproxyCsvMapper SHARED = new HaproxyCsvMapper(MappingOptions.defaults());

    @FuzzTest(maxDuration = "3m")
    void map(byte[] data) {
        check(SHARED, data);
        check(new HaproxyCsvMapper(new MappingOptions(StatusMapping.EXPORTER_STRICT, Set.of("2", "status"),
                Set.of("MAINT"))), data);
        inPieces(data);
    }

    /** The same bytes fed in pieces (sizes taken from the bytes themselves) map as the whole document. */
    private static void inPieces(byte[] data) {
        ScrapeResult whole = null;
        String wholeError = null;
        try {
            whole = new HaproxyCsvMapper(MappingOptions.defaults()).map(data, data.length);
        } catch (CsvFormatException e) {
            wholeError = e.getMessage();
        }
        HaproxyCsvMapper.Feed feed = new HaproxyCsvMapper(MappingOptions.defaults())
                .begin(dev.tocsin.core.MetricInterest.all(), true, Set.of());
        for (int pos = 0, i = 0; pos < data.length; i++) {
            int n = Math.min(data.length - pos, (data[i % data.length] & 0x3F) + 1);
            // each piece in its own array with other bytes after it, so that reading past a piece shows
            byte[] piece = java.util.Arrays.copyOfRange(data, pos, pos + n + 16);
            java.util.Arrays.fill(piece, n, piece.length, (byte) '7');
            feed.accept(piece, 0, n);
            pos += n;
        }
        try {
            ScrapeResult pieces = feed.finish();
            assertThat(wholeError).as("only the pieces were mapped").isNull();
            assertThat(pieces.samples().stream().map(x -> x.labels() + "=" + x.value()).toList())
                    .isEqualTo(whole.samples().stream().map(x -> x.labels() + "=" + x.value()).toList());
            assertThat(pieces.skippedRows()).isEqualTo(whole.skippedRows());
            assertThat(pieces.fieldErrors()).isEqualTo(whole.fieldErrors());
            assertThat(pieces.servers()).isEqualTo(whole.servers());
            assertThat(pieces.rows()).isEqualTo(whole.rows());
        } catch (CsvFormatException e) {
            assertThat(e.getMessage()).isEqualTo(wholeError);
        }
    }

    private static void check(HaproxyCsvMapper m, byte[] data) {
        try {
            ScrapeResult r = m.map(data, data.length);
            assertThat(r.keptRows()).isBetween(0, r.rows());
            assertThat(r.skippedRows().size()).isLessThanOrEqualTo(r.rows() - r.keptRows());
            assertThat(r.parseFailures()).isGreaterThanOrEqualTo(r.rows() - r.keptRows());
        } catch (CsvFormatException expected) {
            assertThat(expected.line()).isEqualTo(1);
        }
    }
}
