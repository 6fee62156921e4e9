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
    private int size;

    /** Appends an element (only while the mapper fills the list). */
    void append(E e) {
        int i = size & MASK;
        if (i == 0) {
            int c = size >>> SHIFT;
            if (c == chunks.length) {
                chunks = Arrays.copyOf(chunks, c * 2);
            }
            current = new Object[CHUNK];
            chunks[c] = current;
        }
        current[i] = e;
        size++;
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
