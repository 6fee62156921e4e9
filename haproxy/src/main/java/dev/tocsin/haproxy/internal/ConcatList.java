package dev.tocsin.haproxy.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An unmodifiable view of one large list followed by a few more elements, without copying the large list (the
 * mapper's ~400k samples of a big HAProxy: a copy would cost 1.7 MB of references plus a humongous array per scrape).
 *
 * @param <E> element type
 */
public final class ConcatList<E> extends AbstractList<E> implements RandomAccess {

    private final List<E> head;
    private final int headSize;
    private final Object[] tail;

    /**
     * Creates the view; {@code head} must not change afterwards (it is the mapper's read-only result).
     *
     * @param head the large list, taken as it is
     * @param tail the elements that follow it (copied)
     */
    @SafeVarargs
    public ConcatList(List<E> head, E... tail) {
        this.head = Objects.requireNonNull(head, "head");
        this.headSize = head.size();
        // read element by element: under @SafeVarargs, javac's varargs lint flags any other use of the array (even a
        // clone), and the array itself is then never stored or passed on
        Object[] copy = new Object[tail.length];
        for (int i = 0; i < tail.length; i++) {
            copy[i] = Objects.requireNonNull(tail[i], "tail element");
        }
        this.tail = copy;
    }

    @SuppressWarnings("unchecked")
    @Override
    public E get(int index) {
        if (index < headSize && index >= 0) {
            return head.get(index);
        }
        int t = index - headSize;
        if (index < 0 || t >= tail.length) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size());
        }
        return (E) tail[t];
    }

    @Override
    public int size() {
        return headSize + tail.length;
    }
}
