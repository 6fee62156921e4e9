package dev.tocsin.core.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code on a thread with a small, known stack, so that a test of what happens on a stack overflow does not depend
 * on the runner's {@code -Xss}.
 */
public final class SmallStack {

    /** The stack size asked for (Linux honours it). */
    public static final long BYTES = 512 * 1024;

    private SmallStack() {
    }

    /**
     * Returns what {@code task} returns, run on a new thread with a {@link #BYTES} stack; rethrows what it throws
     * (a checked exception wrapped in an {@link IllegalStateException}).
     */
    public static <T> T call(Callable<T> task) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(task.call());
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "small-stack", BYTES);
        t.start();
        t.join();
        Throwable e = thrown.get();
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
        return result.get();
    }
}
