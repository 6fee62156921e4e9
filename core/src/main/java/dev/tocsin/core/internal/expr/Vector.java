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
    /**
     * Null until a sample is added without its name ({@link #addWithoutName}); then whether the i-th sample's labels
     * are {@code labels[i]} without the metric name (made when read: a replay hands them on in this form).
     */
    private boolean[] nameless;
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
            grow();
        }
        labels[n] = sampleLabels;
        values[n] = value;
        held[n] = isHeld;
        size = n + 1;
    }

    /**
     * Appends a sample whose labels are {@code named} without the metric name (a range function's result for a
     * series, see {@code Compiler.Sink#acceptWithoutName}): the set without the name is made only if it is read.
     */
    void addWithoutName(Labels named, double value, boolean isHeld) {
        int n = size;
        if (n == labels.length) {
            grow();
        }
        if (nameless == null) {
            nameless = new boolean[labels.length];
        }
        labels[n] = named;
        values[n] = value;
        held[n] = isHeld;
        nameless[n] = true;
        size = n + 1;
    }

    private void grow() {
        int c = labels.length * 2;
        labels = Arrays.copyOf(labels, c);
        values = Arrays.copyOf(values, c);
        held = Arrays.copyOf(held, c);
        if (nameless != null) {
            nameless = Arrays.copyOf(nameless, c);
        }
    }

    /**
     * Makes the label sets of the samples added without their name ({@link #addWithoutName}) once, in place: for a
     * vector read label by label several times (a vector/vector operation's operands, collected for it alone).
     */
    void resolveNames() {
        boolean[] flags = nameless;
        if (flags == null) {
            return;
        }
        for (int i = 0; i < size; i++) {
            if (flags[i]) {
                labels[i] = labels[i].withoutMetricName();
            }
        }
        nameless = null;
    }

    /** Adds the i-th sample to {@code sink} as it was added here (without its name, or with its labels). */
    void replay(int i, Compiler.Sink sink) {
        check(i);
        if (nameless != null && nameless[i]) {
            sink.acceptWithoutName(labels[i], values[i], held[i]);
        } else {
            sink.accept(labels[i], values[i], held[i]);
        }
    }

    /** Appends a sample. */
    public void add(Sample sample, boolean isHeld) {
        add(sample.labels(), sample.value(), isHeld);
    }

    /** Returns the number of samples. */
    public int size() {
        return size;
    }

    /**
     * Returns the labels of the i-th sample; for one added without its name ({@link #addWithoutName}) a new set at
     * each call.
     */
    public Labels labels(int i) {
        Labels l = labels[check(i)];
        return nameless != null && nameless[i] ? l.withoutMetricName() : l;
    }

    /** Returns the value of the i-th sample. */
    public double value(int i) {
        return values[check(i)];
    }

    /** Returns the i-th sample (a new object: prefer {@link #labels} and {@link #value} in loops). */
    public Sample sample(int i) {
        return new Sample(labels(i), values[i]);
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
