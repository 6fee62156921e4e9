package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper;
import dev.tocsin.haproxy.internal.csv.MappingOptions;
import dev.tocsin.haproxy.internal.csv.ScrapeResult;
import org.openjdk.jol.info.GraphLayout;

/**
 * Prints the retained heap of one scrape's result (the samples, with their labels) and of the mapper's caches, as
 * measured by JOL. Run: {@code java -cp benchmarks/target/benchmarks.jar dev.tocsin.benchmarks.haproxy.CsvMapRetained}.
 */
public final class CsvMapRetained {

    private CsvMapRetained() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        byte[] csv = CsvGenerator.generate(1000, 10, 0);
        HaproxyCsvMapper mapper = new HaproxyCsvMapper(MappingOptions.defaults());
        ScrapeResult r = mapper.map(csv, csv.length);
        long samples = GraphLayout.parseInstance(r.samples()).totalSize();
        long result = GraphLayout.parseInstance(r).totalSize();
        long both = GraphLayout.parseInstance(r, mapper).totalSize();
        System.out.printf("CSV: %d bytes, %d rows, %d samples%n", csv.length, r.rows(), r.samples().size());
        System.out.printf("retained by result.samples(): %.1f MB%n", samples / 1e6);
        System.out.printf("retained by the whole ScrapeResult: %.1f MB%n", result / 1e6);
        System.out.printf("retained by ScrapeResult + mapper caches: %.1f MB%n", both / 1e6);
    }
}
