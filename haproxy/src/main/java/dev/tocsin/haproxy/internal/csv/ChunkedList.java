package dev.tocsin.haproxy.internal.csv;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * An append-only list stored in chunks of {@value #CHUNK} elements, read-only once handed out.
 *
 * <p>Why not ArrayList: a scrape produces ~400k samples; one backing array that large is a "humongous" object for
 * G1, allocated outside the young generation, and every reference stored into it pays the slow path of the GC write
 * barrier. Small chunks are allocated in the thread's TLAB, so the stores stay cheap.
 *
 * @param <E> element type
 */
final class ChunkedList<E> extends AbstractList<E> implements RandomAccess {

    private static final int SHIFT = 12;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;

    private Object[][] chunks = new Object[8][];
    private Object[] current;
    /** A byte per element, in chunks parallel to {@link #chunks} (see {@link #append(Object, int)}). */
    private byte[][] tagChunks = new byte[8][];
    private byte[] currentTags;
    private int size;

    /** Appends an element (only while the mapper fills the list). */
    void append(E e) {
        append(e, 0);
    }

    /**
     * Appends an element with a small tag (only while the mapper fills the list).
     *
     * @param e the element
     * @param tag 0 to 255, read back by {@link #tag(int)}
     */
    void append(E e, int tag) {
        int i = size & MASK;
        if (i == 0) {
            int c = size >>> SHIFT;
            if (c == chunks.length) {
                chunks = Arrays.copyOf(chunks, c * 2);
                tagChunks = Arrays.copyOf(tagChunks, c * 2);
            }
            current = new Object[CHUNK];
            chunks[c] = current;
            currentTags = new byte[CHUNK];
            tagChunks[c] = currentTags;
        }
        current[i] = e;
        currentTags[i] = (byte) tag;
        size++;
    }

    /** Returns the tag of the element at {@code index} (0 to 255). */
    int tag(int index) {
        java.util.Objects.checkIndex(index, size);
        return tagChunks[index >>> SHIFT][index & MASK] & 0xFF;
    }

    /** Calls {@code action} with the index, element and tag of every element, in order. */
    @SuppressWarnings("unchecked")
    void forEachTagged(TaggedAction<E> action) {
        for (int c = 0, done = 0; done < size; c++) {
            Object[] chunk = chunks[c];
            byte[] tags = tagChunks[c];
            int n = Math.min(CHUNK, size - done);
            for (int i = 0; i < n; i++) {
                action.accept(done + i, (E) chunk[i], tags[i] & 0xFF);
            }
            done += n;
        }
    }

    /** Receives the elements of {@link #forEachTagged}. */
    @FunctionalInterface
    interface TaggedAction<E> {
        void accept(int index, E element, int tag);
    }

    @SuppressWarnings("unchecked")
    @Override
    public E get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        return (E) chunks[index >>> SHIFT][index & MASK];
    }

    @Override
    public int size() {
        return size;
    }
}
