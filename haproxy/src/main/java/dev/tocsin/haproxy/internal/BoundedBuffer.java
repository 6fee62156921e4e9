package dev.tocsin.haproxy.internal;

import java.util.Arrays;

/** A growable byte buffer that refuses to grow beyond a cap. Not thread-safe. */
public final class BoundedBuffer {

    private final long cap;
    private final String what;
    private byte[] bytes;
    private int length;

    /**
     * Creates a buffer.
     *
     * @param cap the largest number of bytes accepted
     * @param what what is being read, for the error message
     */
    public BoundedBuffer(long cap, String what) {
        this(cap, what, null);
    }

    /**
     * Creates a buffer that writes into {@code reuse} (its content is overwritten) while it is large enough.
     *
     * @param cap the largest number of bytes accepted
     * @param what what is being read, for the error message
     * @param reuse an array no one else uses any more, or {@code null}
     */
    public BoundedBuffer(long cap, String what, byte[] reuse) {
        this.cap = Math.min(cap, Integer.MAX_VALUE - 16);
        this.what = what;
        this.bytes = reuse != null ? reuse : new byte[8192];
    }

    /**
     * Appends bytes.
     *
     * @throws FetchException if the cap would be exceeded
     */
    public void append(byte[] src, int off, int len) throws FetchException {
        if ((long) length + len > cap) {
            throw tooLarge();
        }
        ensure(length + len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
    }

    /**
     * Makes room for {@code expected} bytes at once (capped), so that a large body is read without repeated doubling
     * and copying.
     */
    public void reserve(long expected) {
        if (expected > bytes.length) {
            byte[] grown = new byte[(int) Math.min(expected, cap)];
            System.arraycopy(bytes, 0, grown, 0, length);
            bytes = grown;
        }
    }

    /** Returns the error for a response over the cap. */
    public FetchException tooLarge() {
        return new FetchException(what + " larger than the cap of " + cap + " bytes (maxResponseBytes); aborted",
                false, null);
    }

    private void ensure(int needed) {
        if (needed > bytes.length) {
            long grown = Math.max(needed, Math.min((long) bytes.length * 2, cap));
            bytes = Arrays.copyOf(bytes, (int) grown);
        }
    }

    /** Returns the backing array (valid up to {@link #length()}). */
    public byte[] array() {
        return bytes;
    }

    /** Returns the number of valid bytes. */
    public int length() {
        return length;
    }

    /** Drops the first {@code n} bytes. */
    public void discard(int n) {
        System.arraycopy(bytes, n, bytes, 0, length - n);
        length -= n;
    }
}
