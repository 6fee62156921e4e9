package dev.tocsin.core.internal.notify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO queue of keyed entries that keeps only the newest value per key: offering a key already queued
 * replaces its value in place. When full, the oldest entry is dropped. Thread-safe.
 *
 * @param <K> the key (an alert's labels, or a unique message number)
 * @param <V> the value
 */
public final class CoalescingQueue<K, V> {

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private LinkedHashMap<K, V> entries = new LinkedHashMap<>();

    /** Creates a queue holding at most {@code capacity} entries. */
    public CoalescingQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds or replaces the entry for {@code key}.
     *
     * @return how many entries were dropped to make room (0 or 1)
     */
    public int offer(K key, V value) {
        lock.lock();
        try {
            int dropped = 0;
            if (entries.replace(key, value) == null) {
                if (entries.size() >= capacity) {
                    Iterator<K> it = entries.keySet().iterator();
                    it.next();
                    it.remove();
                    dropped = 1;
                }
                entries.put(key, value);
            }
            notEmpty.signal();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds or replaces every entry under one lock, so that a consumer taking a batch sees them all at once (one
     * evaluation's alerts go out in one request, as Prometheus sends them).
     *
     * @return how many entries were dropped to make room
     */
    public int offerAll(List<Map.Entry<K, V>> batch) {
        lock.lock();
        try {
            int dropped = 0;
            for (Map.Entry<K, V> e : batch) {
                if (entries.replace(e.getKey(), e.getValue()) == null) {
                    if (entries.size() >= capacity) {
                        Iterator<K> it = entries.keySet().iterator();
                        it.next();
                        it.remove();
                        dropped++;
                    }
                    entries.put(e.getKey(), e.getValue());
                }
            }
            if (!batch.isEmpty()) {
                notEmpty.signal();
            }
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts entries back at the head (after a failed delivery), except those whose key got a newer value meanwhile.
     *
     * @return how many entries were dropped because the queue is full (the oldest go first)
     */
    public int requeue(List<Map.Entry<K, V>> batch) {
        lock.lock();
        try {
            LinkedHashMap<K, V> merged = new LinkedHashMap<>();
            for (Map.Entry<K, V> e : batch) {
                if (!entries.containsKey(e.getKey())) {
                    merged.put(e.getKey(), e.getValue());
                }
            }
            merged.putAll(entries);
            int dropped = 0;
            Iterator<K> it = merged.keySet().iterator();
            while (merged.size() > capacity) {
                it.next();
                it.remove();
                dropped++;
            }
            entries = merged;
            if (!entries.isEmpty()) {
                notEmpty.signal();
            }
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns up to {@code max} entries from the head, waiting up to {@code timeoutMillis} for one.
     *
     * @return the entries, empty on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public List<Map.Entry<K, V>> take(int max, long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (entries.isEmpty()) {
                if (nanos <= 0) {
                    return List.of();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            List<Map.Entry<K, V>> out = new ArrayList<>(Math.min(max, entries.size()));
            Iterator<Map.Entry<K, V>> it = entries.entrySet().iterator();
            while (it.hasNext() && out.size() < max) {
                Map.Entry<K, V> e = it.next();
                out.add(Map.entry(e.getKey(), e.getValue()));
                it.remove();
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Removes everything and returns how many entries there were. */
    public int clear() {
        lock.lock();
        try {
            int n = entries.size();
            entries.clear();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the number of queued entries. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
