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
        this.cap = Math.min(cap, Integer.MAX_VALUE - 16);
        this.what = what;
        this.bytes = new byte[8192];
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

    /** Returns the error for a response over the cap. */
    public FetchException tooLarge() {
        return tooLarge(what, cap);
    }

    /**
     * Returns the error for a response over a cap.
     *
     * @param what what was being read
     * @param cap the cap, in bytes
     * @return the exception (not retriable)
     */
    public static FetchException tooLarge(String what, long cap) {
        // response headers have a fixed cap of their own; maxResponseBytes is the body's
        String setting = what.startsWith("response headers") ? "fixed, for response headers" : "maxResponseBytes";
        return new FetchException(what + " larger than the cap of " + cap + " bytes (" + setting + "); aborted",
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
