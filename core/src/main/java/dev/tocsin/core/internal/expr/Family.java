package dev.tocsin.core.internal.expr;

import dev.tocsin.core.Sample;

import java.util.Arrays;

/**
 * The current samples of one metric name in one evaluation, with a flag per sample telling whether it was replayed
 * from a source that failed this cycle ("held"). Arrays are owned by the snapshot: never modify them.
 */
public final class Family {

    private static final Family EMPTY = new Family(new Sample[0], new boolean[0]);

    private final Sample[] samples;
    private final boolean[] held;

    /**
     * Wraps the arrays without copying.
     *
     * @param samples the samples, all of the same metric name
     * @param held per sample, whether it comes from a failed source's last good scrape
     */
    public Family(Sample[] samples, boolean[] held) {
        if (samples.length != held.length) {
            throw new IllegalArgumentException("samples and held differ in length");
        }
        this.samples = samples;
        this.held = held;
    }

    /** Returns the empty family. */
    public static Family empty() {
        return EMPTY;
    }

    /** Returns the number of samples. */
    public int size() {
        return samples.length;
    }

    /** Returns the i-th sample. */
    public Sample sample(int i) {
        return samples[i];
    }

    /** Returns whether the i-th sample is held (replayed from a failed source). */
    public boolean held(int i) {
        return held[i];
    }

    @Override
    public String toString() {
        return "Family" + Arrays.toString(samples);
    }
}
