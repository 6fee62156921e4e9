package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import org.openjdk.jol.info.GraphLayout;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory side of {@link PackEvaluationBenchmark}: runs the same 16-rule evaluator over the same evolving
 * 1,000 x 10 CSV for 10 minutes of 5-second evaluations (120, then {@code extra} more), and prints what the
 * evaluator's history of past samples retains (JOL), what the whole evaluator retains, the heap used after a full GC
 * before and after the first evaluation, the alerts per rule and state, and a rough wall-clock time per evaluation
 * (the JMH benchmark is the reference for time).
 *
 * <p>Run: {@code java -Djdk.attach.allowAttachSelf=true -cp benchmarks/target/benchmarks.jar
 * dev.tocsin.benchmarks.haproxy.PackRetained [extra=60]}.
 */
public final class PackRetained {

    private PackRetained() {
    }

    /**
     * Entry point.
     *
     * @param args {@code [extra-evaluations=60]}
     * @throws Exception if the evaluator's history field cannot be read
     */
    public static void main(String[] args) throws Exception {
        int extra = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        PackSource source = new PackSource(new AdvancingCsv(1000, 10));
        long heapBefore = usedAfterGc();
        Evaluator ev = PackEvaluationBenchmark.newEvaluator(source);
        long[] nanos = new long[extra];
        int total = PackEvaluationBenchmark.HISTORY_STEPS + extra;
        for (int k = 0; k < total; k++) {
            source.prepare(k);
            long t0 = System.nanoTime();
            ev.evaluate(Instant.ofEpochSecond(PackEvaluationBenchmark.T0 + 5L * k));
            if (k >= PackEvaluationBenchmark.HISTORY_STEPS) {
                nanos[k - PackEvaluationBenchmark.HISTORY_STEPS] = System.nanoTime() - t0;
            }
        }
        long heapAfter = usedAfterGc();
        Object history = field(ev, "history");
        int seriesCount = (int) history.getClass().getMethod("seriesCount").invoke(history);
        GraphLayout historyLayout = GraphLayout.parseInstance(history);
        GraphLayout evLayout = GraphLayout.parseInstance(ev);
        Map<String, int[]> perRule = new TreeMap<>();
        for (Alert a : ev.alerts()) {
            int[] c = perRule.computeIfAbsent(a.ruleName(), n -> new int[2]);
            c[a.state() == AlertState.FIRING ? 1 : 0]++;
        }
        java.util.Arrays.sort(nanos);
        double mean = java.util.Arrays.stream(nanos).average().orElse(0) / 1e6;
        System.out.printf("CSV %d bytes, %d rows; %d evaluations at 5 s (the last %d timed)%n", source.bytes(),
                source.rows(), total, extra);
        System.out.printf("history: %d series, retained %.1f MB (JOL, including label sets shared with the source)%n",
                seriesCount, historyLayout.totalSize() / 1e6);
        System.out.printf("history without what the source also holds (the mapper's cached label sets): %.1f MB%n",
                historyLayout.subtract(GraphLayout.parseInstance(source)).totalSize() / 1e6);
        System.out.printf("whole evaluator (history, last samples, rule state, alerts, source and mapper caches):"
                + " %.1f MB%n", evLayout.totalSize() / 1e6);
        System.out.printf("heap used after full GC: %.1f MB before the evaluator, %.1f MB after %d evaluations"
                + " (delta %.1f MB)%n", heapBefore / 1e6, heapAfter / 1e6, total, (heapAfter - heapBefore) / 1e6);
        System.out.printf("time per evaluation (wall clock, incl. CSV mapping; not JMH): mean %.1f ms, p50 %.1f ms,"
                + " max %.1f ms%n", mean, nanos[extra / 2] / 1e6, nanos[extra - 1] / 1e6);
        if (Boolean.getBoolean("tocsin.footprint")) { // -Dtocsin.footprint=true: what the bytes are, class by class
            System.out.println("history by class:");
            System.out.println(historyLayout.toFootprint());
            System.out.println("the rest of the evaluator by class:");
            System.out.println(evLayout.subtract(historyLayout).toFootprint());
        }
        System.out.println("alerts (pending firing) per rule:");
        perRule.forEach((rule, c) -> System.out.printf("  %-45s %5d %5d%n", rule, c[0], c[1]));
        ev.close();
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // try the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }
}
