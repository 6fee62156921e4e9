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
     * taken), so that the evaluator then sets the source's own value, and of series that are then the same the first
     * is kept; when true, the samples are returned unchanged.
     */
    public static List<Sample> apply(List<Sample> samples, boolean honor) {
        return apply(samples, honor, null, null);
    }

    /**
     * {@link #apply(List, boolean)}, and with {@code honor} true, of series that become equal once the target's
     * {@code instance} and {@code job} are added where missing ({@code m{instance="lb"}} and {@code m} from target
     * {@code lb}) the first is kept, as Prometheus keeps it; the samples themselves are returned unchanged.
     *
     * @param instance the target's {@code instance}, or null when unknown (no such check)
     * @param job the target's {@code job}, or null when unknown
     */
    public static List<Sample> apply(List<Sample> samples, boolean honor, String instance, String job) {
        if (honor) {
            return instance == null || job == null ? samples : withoutTargetDuplicates(samples, instance, job);
        }
        List<Sample> out = new ArrayList<>(samples.size());
        boolean renamed = false;
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
            renamed = true;
        }
        if (!renamed) {
            return out;
        }
        // a renamed series can now equal another one (m{instance="x"} and m{exported_instance="x"}): as in
        // Prometheus, where they are one series after relabeling, the first in the exposition is kept
        java.util.Set<Labels> seen = new java.util.HashSet<>();
        List<Sample> unique = new ArrayList<>(out.size());
        for (Sample s : out) {
            if (seen.add(s.labels())) {
                unique.add(s);
            }
        }
        return unique;
    }

    private static List<Sample> withoutTargetDuplicates(List<Sample> samples, String instance, String job) {
        boolean any = false;
        for (Sample s : samples) {
            if (s.labels().has(TARGET_LABELS[0]) || s.labels().has(TARGET_LABELS[1])) {
                any = true;
                break;
            }
        }
        if (!any) {
            return samples; // the target's labels go on every series alike: no new equality
        }
        java.util.Set<Labels> seen = new java.util.HashSet<>();
        List<Sample> unique = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            Labels l = s.labels();
            Labels effective = l;
            if (!l.has(TARGET_LABELS[0]) || !l.has(TARGET_LABELS[1])) {
                Labels.Builder b = l.toBuilder();
                if (!l.has(TARGET_LABELS[0])) {
                    b.put(TARGET_LABELS[0], instance);
                }
                if (!l.has(TARGET_LABELS[1])) {
                    b.put(TARGET_LABELS[1], job);
                }
                effective = b.build();
            }
            if (seen.add(effective)) {
                unique.add(s);
            }
        }
        return unique;
    }
}
