package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * An instant vector: the result of an expression, with a held flag per sample (true when any input it was computed
 * from was replayed from a failed source). Held as parallel arrays of label sets, values and flags: an evaluation
 * builds many intermediate vectors (a range function's result over tens of thousands of series, an aggregation's
 * input), and these hold no object per sample.
 */
public final class Vector {

    private Labels[] labels;
    private double[] values;
    private boolean[] held;
    private int size;

    /** Creates an empty, growable vector. */
    public Vector() {
        this(8);
    }

    /** Creates an empty, growable vector with room for {@code capacity} samples. */
    Vector(int capacity) {
        int c = Math.max(1, capacity);
        labels = new Labels[c];
        values = new double[c];
        held = new boolean[c];
    }

    /** Appends a sample. */
    public void add(Labels sampleLabels, double value, boolean isHeld) {
        int n = size;
        if (n == labels.length) {
            int c = n * 2;
            labels = Arrays.copyOf(labels, c);
            values = Arrays.copyOf(values, c);
            held = Arrays.copyOf(held, c);
        }
        labels[n] = sampleLabels;
        values[n] = value;
        held[n] = isHeld;
        size = n + 1;
    }

    /** Appends a sample. */
    public void add(Sample sample, boolean isHeld) {
        add(sample.labels(), sample.value(), isHeld);
    }

    /** Returns the number of samples. */
    public int size() {
        return size;
    }

    /** Returns the labels of the i-th sample. */
    public Labels labels(int i) {
        return labels[check(i)];
    }

    /** Returns the value of the i-th sample. */
    public double value(int i) {
        return values[check(i)];
    }

    /** Returns the i-th sample (a new object: prefer {@link #labels} and {@link #value} in loops). */
    public Sample sample(int i) {
        return new Sample(labels[check(i)], values[i]);
    }

    /** Returns whether the i-th sample was computed from held input. */
    public boolean held(int i) {
        return held[check(i)];
    }

    /** Returns the samples, as a read-only list that builds each {@link Sample} when it is read. */
    public List<Sample> samples() {
        return new AbstractList<>() {
            @Override
            public Sample get(int index) {
                return sample(index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " of a vector of " + size);
        }
        return i;
    }
}
