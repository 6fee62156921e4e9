package dev.tocsin.haproxy.internal.csv;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tocsin.haproxy.CsvFormatException;
import dev.tocsin.haproxy.StatusMapping;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes give a result or a {@link CsvFormatException}, nothing else. Regression inputs (every {@code mvn verify})
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
