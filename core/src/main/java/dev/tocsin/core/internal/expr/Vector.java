package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Sample;

import java.util.ArrayList;
import java.util.List;

/**
 * An instant vector: the result of an expression, with a held flag per sample (true when any input it was computed
 * from was replayed from a failed source).
 */
public final class Vector {

    private final List<Sample> samples;
    private final List<Boolean> held;

    /** Creates an empty, growable vector. */
    public Vector() {
        this.samples = new ArrayList<>();
        this.held = new ArrayList<>();
    }

    /** Appends a sample. */
    public void add(Sample sample, boolean isHeld) {
        samples.add(sample);
        held.add(isHeld);
    }

    /** Returns the number of samples. */
    public int size() {
        return samples.size();
    }

    /** Returns the i-th sample. */
    public Sample sample(int i) {
        return samples.get(i);
    }

    /** Returns whether the i-th sample was computed from held input. */
    public boolean held(int i) {
        return held.get(i);
    }

    /** Returns the samples (live view; do not modify). */
    public List<Sample> samples() {
        return samples;
    }
}
