package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Sample;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The mapper's append-only list of samples, each with a one-byte tag (its metric family), stored in chunks of
 * {@value #CHUNK}; read-only once handed out.
 *
 * <p>Why not ArrayList: a scrape produces ~400k samples; one backing array that large is a "humongous" object for
 * G1, allocated outside the young generation, and every reference stored into it pays the slow path of the GC write
 * barrier. Small chunks are allocated in the thread's TLAB, so the stores stay cheap. The chunks are {@code Sample[]}
 * ({@link Sample} is final): neither storing a sample nor copying it into another {@code Sample[]} needs to read the
 * sample's class, so that appending an unchanged sample and grouping the list never touch the sample objects.
 */
final class SampleChunks extends AbstractList<Sample> implements RandomAccess {

    static final int SHIFT = 12;
    static final int CHUNK = 1 << SHIFT;
    static final int MASK = CHUNK - 1;

    private Sample[][] chunks = new Sample[8][];
    private Sample[] current;
    /** A byte per sample, in chunks parallel to {@link #chunks}. */
    private byte[][] tagChunks = new byte[8][];
    private byte[] currentTags;
    private int size;

    /**
     * Appends a sample with a small tag (only while the mapper fills the list).
     *
     * @param s the sample
     * @param tag 0 to 255, read back by {@link #tag(int)}
     */
    void append(Sample s, int tag) {
        int i = size & MASK;
        if (i == 0) {
            int c = size >>> SHIFT;
            if (c == chunks.length) {
                chunks = Arrays.copyOf(chunks, c * 2);
                tagChunks = Arrays.copyOf(tagChunks, c * 2);
            }
            current = new Sample[CHUNK];
            chunks[c] = current;
            currentTags = new byte[CHUNK];
            tagChunks[c] = currentTags;
        }
        current[i] = s;
        currentTags[i] = (byte) tag;
        size++;
    }

    /** Returns the tag of the sample at {@code index} (0 to 255). */
    int tag(int index) {
        Objects.checkIndex(index, size);
        return tagChunks[index >>> SHIFT][index & MASK] & 0xFF;
    }

    /**
     * Returns the samples grouped by tag, each group in list order: {@code result[t]} holds the samples tagged
     * {@code t}, or is null when there are none. A counting sort that reads the tags and copies the references
     * without looking at the samples.
     *
     * @param tags the number of distinct tags (every tag is below it)
     */
    Sample[][] groupByTag(int tags) {
        int[] counts = new int[tags];
        for (int c = 0, done = 0; done < size; c++) {
            byte[] t = tagChunks[c];
            int n = Math.min(CHUNK, size - done);
            for (int i = 0; i < n; i++) {
                counts[t[i] & 0xFF]++;
            }
            done += n;
        }
        Sample[][] out = new Sample[tags][];
        for (int t = 0; t < tags; t++) {
            if (counts[t] > 0) {
                out[t] = new Sample[counts[t]];
            }
        }
        int[] next = new int[tags];
        for (int c = 0, done = 0; done < size; c++) {
            Sample[] s = chunks[c];
            byte[] t = tagChunks[c];
            int n = Math.min(CHUNK, size - done);
            for (int i = 0; i < n; i++) {
                int tag = t[i] & 0xFF;
                out[tag][next[tag]++] = s[i];
            }
            done += n;
        }
        return out;
    }

    @Override
    public Sample get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        return chunks[index >>> SHIFT][index & MASK];
    }

    @Override
    public int size() {
        return size;
    }
}
