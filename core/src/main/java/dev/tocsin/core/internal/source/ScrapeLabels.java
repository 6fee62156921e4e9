package dev.tocsin.core.internal.source;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.util.ArrayList;
import java.util.List;

/** Prometheus's handling of scraped labels that collide with the target labels {@code instance} and {@code job}. */
public final class ScrapeLabels {

    private static final String[] TARGET_LABELS = {"instance", "job"};

    private ScrapeLabels() {
    }

    /**
     * Returns the samples with {@code honor_labels} applied: when {@code honor} is false, a scraped {@code instance}
     * or {@code job} label moves to {@code exported_<name>} (prefixed with {@code exported_} again while that name is
     * taken), so that the evaluator then sets the source's own value; when true, the samples are returned unchanged.
     */
    public static List<Sample> apply(List<Sample> samples, boolean honor) {
        if (honor) {
            return samples;
        }
        List<Sample> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            Labels l = s.labels();
            if (!l.has(TARGET_LABELS[0]) && !l.has(TARGET_LABELS[1])) {
                out.add(s);
                continue;
            }
            Labels.Builder b = l.toBuilder();
            for (String name : TARGET_LABELS) {
                String value = l.get(name);
                if (value == null) {
                    continue;
                }
                b.remove(name);
                String exported = "exported_" + name;
                while (b.has(exported)) {
                    exported = "exported_" + exported;
                }
                b.put(exported, value);
            }
            out.add(new Sample(b.build(), s.value()));
        }
        return out;
    }
}
