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
        measure(csv, "no target labels", MappingOptions.defaults());
        // as HaproxySource maps: instance and job on every sample
        MappingOptions d = MappingOptions.defaults();
        measure(csv, "instance/job target labels (as HaproxySource)", new MappingOptions(d.statusMapping(),
                d.serverMetricFields(), d.excludedServerStates(),
                dev.tocsin.core.Labels.of("instance", "127.0.0.1:8404", "job", "haproxy")));
    }

    private static void measure(byte[] csv, String what, MappingOptions options) {
        HaproxyCsvMapper mapper = new HaproxyCsvMapper(options);
        // as HaproxySource maps for an evaluator: every metric, no per-server state objects
        ScrapeResult r = mapper.map(csv, csv.length, dev.tocsin.core.MetricInterest.all(), false, java.util.Set.of());
        GraphLayout samplesLayout = GraphLayout.parseInstance(r.samples());
        long samples = samplesLayout.totalSize();
        long result = GraphLayout.parseInstance(r).totalSize();
        GraphLayout bothLayout = GraphLayout.parseInstance(r, mapper);
        long both = bothLayout.totalSize();
        System.out.printf("== %s%n", what);
        System.out.printf("CSV: %d bytes, %d rows, %d samples%n", csv.length, r.rows(), r.samples().size());
        System.out.printf("retained by result.samples(): %.1f MB%n", samples / 1e6);
        System.out.printf("retained by the whole ScrapeResult: %.1f MB%n", result / 1e6);
        System.out.printf("retained by ScrapeResult + mapper caches: %.1f MB%n", both / 1e6);
        String[] lines = bothLayout.toFootprint().split("\n");
        for (int i = 0; i < Math.min(lines.length, 14); i++) {
            System.out.println("  " + lines[i]);
        }
    }
}
