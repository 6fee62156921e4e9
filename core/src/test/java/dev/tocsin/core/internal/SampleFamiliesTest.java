package dev.tocsin.core.internal;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.testing.TestSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A source that hands its samples over grouped ({@link SampleFamilies}) is read as if grouped one by one. */
class SampleFamiliesTest {

    /** A list made of named families followed by other samples. */
    static class Families extends AbstractList<Sample> implements SampleFamilies {
        final List<String> names;
        final List<List<Sample>> families;
        final List<Sample> others;
        final Set<String> carried;
        final List<Sample> flat = new ArrayList<>();
        /** How many samples were read through the list itself (not through the families and others). */
        int flatReads;

        Families(Map<String, List<Sample>> families, List<Sample> others, Set<String> carried) {
            this.names = new ArrayList<>(families.keySet());
            this.families = new ArrayList<>(families.values());
            this.others = others;
            this.carried = carried;
            this.families.forEach(flat::addAll);
            flat.addAll(others);
        }

        @Override
        public Sample get(int index) {
            flatReads++;
            return flat.get(index);
        }

        @Override
        public int size() {
            return flat.size();
        }

        @Override
        public Set<String> carriedLabelNames() {
            return carried;
        }

        @Override
        public int familyCount() {
            return names.size();
        }

        @Override
        public String familyName(int index) {
            return names.get(index);
        }

        @Override
        public List<Sample> family(int index) {
            return families.get(index);
        }

        @Override
        public List<Sample> others() {
            return others;
        }
    }

    private static MetricSource source(List<Sample> samples) {
        return new TestSource("lb1:8404", "haproxy", "haproxy_up").setAsGiven(samples);
    }

    /** Evaluates once and returns what a rule saw of the named metrics. */
    private static Map<String, List<Sample>> seen(List<Sample> samples, String... metrics) {
        AtomicReference<Map<String, List<Sample>>> seen = new AtomicReference<>();
        Rule capture = Rule.alert("Capture").condition(m -> {
            Map<String, List<Sample>> out = new java.util.TreeMap<>();
            for (String name : metrics) {
                out.put(name, m.series(name));
            }
            seen.set(out);
            return List.of();
        }).build();
        try (Evaluator e = Evaluator.builder().source(source(samples)).rule(capture).build()) {
            e.evaluate(Instant.parse("2026-01-01T00:00:00Z"));
        }
        return seen.get();
    }

    @Test
    void familiesCarryingInstanceAndJobAreTakenAsTheyAreAndTheHealthFamilyIsTheEvaluators() {
        Sample a1 = Sample.of("a", 1, "backend", "x", "instance", "lb1:8404", "job", "haproxy");
        Sample a2 = Sample.of("a", 2, "backend", "y", "instance", "other:1", "job", "haproxy");
        Sample b1 = Sample.of("b", 3, "instance", "lb1:8404", "job", "haproxy");
        Sample ownUp = Sample.of("haproxy_up", 0, "instance", "lb1:8404", "job", "haproxy");
        Sample other = Sample.of("c", 4);
        Sample otherA = Sample.of("a", 5, "backend", "z");
        Map<String, List<Sample>> fam = new java.util.LinkedHashMap<>();
        fam.put("a", List.of(a1, a2));
        fam.put("b", List.of(b1));
        fam.put("haproxy_up", List.of(ownUp));
        Families grouped = new Families(fam, List.of(other, otherA), Set.of("instance", "job"));

        Map<String, List<Sample>> got = seen(grouped, "a", "b", "c", "haproxy_up");
        // taken through the families and others only, never sample by sample through the list
        assertThat(grouped.flatReads).isZero();
        // the same objects: nothing was copied or relabelled
        assertThat(got.get("a")).hasSize(3).startsWith(a1, a2);
        assertThat(got.get("a").get(0)).isSameAs(a1);
        assertThat(got.get("b")).containsExactly(b1);
        assertThat(got.get("b").get(0)).isSameAs(b1);
        // others are grouped one by one and get the source's instance and job, as any source's samples
        assertThat(got.get("c")).singleElement().satisfies(s -> {
            assertThat(s.labels().get("instance")).isEqualTo("lb1:8404");
            assertThat(s.labels().get("job")).isEqualTo("haproxy");
        });
        assertThat(got.get("a").get(2).labels().get("backend")).isEqualTo("z");
        // the source's own copy of the health metric is dropped: the evaluator's says the source was read
        assertThat(got.get("haproxy_up")).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1));

        // the same samples as a plain list give the same view
        assertThat(seen(new ArrayList<>(grouped.flat), "a", "b", "c", "haproxy_up")).isEqualTo(got);
    }

    @Test
    void familiesThatDoNotCarryTheTargetLabelsAreGroupedOneByOne() {
        Sample a1 = Sample.of("a", 1, "backend", "x");
        Families grouped = new Families(Map.of("a", List.of(a1)), List.of(), Set.of("instance"));
        Map<String, List<Sample>> got = seen(grouped, "a");
        assertThat(grouped.flatReads).isPositive();
        assertThat(got.get("a")).singleElement().satisfies(s -> {
            assertThat(s.labels().get("instance")).isEqualTo("lb1:8404");
            assertThat(s.labels().get("job")).isEqualTo("haproxy");
        });
    }
}
