package dev.tocsin.benchmarks.core;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Sample;
import org.openjdk.jol.info.GraphLayout;

import java.time.Instant;
import java.util.List;

/**
 * Measures the steady-state heap the evaluator retains per tracked series (no alerts active), with JOL: the retained
 * graph of the evaluator minus the host's own sample list. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.tocsin.benchmarks.core.HeapPerSeries [series]}.
 */
public final class HeapPerSeries {

    private HeapPerSeries() {
    }

    /**
     * Runs the measurement.
     *
     * @param args optional series count (default 100000)
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<Sample> samples = SyntheticSeries.series(n);
        try (Evaluator ev = SyntheticSeries.evaluator(samples)) {
            for (int i = 0; i < 3; i++) {
                ev.evaluate(Instant.ofEpochSecond(1_700_000_000L + 5L * i));
            }
            GraphLayout all = GraphLayout.parseInstance(ev);
            GraphLayout host = GraphLayout.parseInstance(samples);
            long retained = all.subtract(host).totalSize();
            System.out.printf("series=%d evaluator-retained=%d bytes (%.1f bytes/series), host samples=%d bytes%n",
                    n, retained, retained / (double) n, host.totalSize());
        }
    }
}
