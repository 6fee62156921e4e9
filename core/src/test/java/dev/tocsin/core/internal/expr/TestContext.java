package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A hand-built evaluation context for tests. */
final class TestContext implements EvalContext {

    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, List<Boolean>> held = new LinkedHashMap<>();
    private final Instant time;
    private History history = History.empty();

    TestContext() {
        this(Instant.ofEpochSecond(1_700_000_000L));
    }

    TestContext(Instant time) {
        this.time = time;
    }

    TestContext add(Sample s) {
        return add(s, false);
    }

    TestContext add(Sample s, boolean isHeld) {
        samples.computeIfAbsent(s.metricName(), k -> new ArrayList<>()).add(s);
        held.computeIfAbsent(s.metricName(), k -> new ArrayList<>()).add(isHeld);
        return this;
    }

    TestContext withHistory(History h) {
        this.history = h;
        return this;
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public Instant time() {
        return time;
    }

    @Override
    public Family family(String metricName) {
        List<Sample> list = samples.get(metricName);
        if (list == null) {
            return Family.empty();
        }
        boolean[] h = new boolean[list.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = held.get(metricName).get(i);
        }
        return new Family(list.toArray(new Sample[0]), h);
    }

    @Override
    public Iterable<Family> families() {
        List<Family> all = new ArrayList<>();
        for (String name : samples.keySet()) {
            all.add(family(name));
        }
        return all;
    }
}
