package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helpers: the checked-in CSVs and sample lookups. */
final class CsvSamples {

    private CsvSamples() {
    }

    static byte[] resource(String name) {
        try (InputStream in = CsvSamples.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }

    static ScrapeResult map(HaproxyCsvMapper m, String csv) {
        byte[] b = csv.getBytes(StandardCharsets.UTF_8);
        return m.map(b, b.length);
    }

    /** Samples keyed by their label set's text form, e.g. {@code {__name__="x", backend="app"}}. */
    static Map<String, Double> byLabels(List<Sample> samples) {
        Map<String, Double> m = new TreeMap<>();
        for (Sample s : samples) {
            Double prev = m.put(s.labels().toString(), s.value());
            if (prev != null) {
                throw new AssertionError("duplicate series " + s.labels());
            }
        }
        return m;
    }

    static String key(String metric, String... labels) {
        return dev.tocsin.core.Sample.of(metric, 0, labels).labels().toString();
    }
}
