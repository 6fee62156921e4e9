package dev.tocsin.core.internal.notify;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CoalescingQueueTest {

    @Test
    void keepsTheNewestValuePerKeyInPlace() throws Exception {
        CoalescingQueue<String, Integer> q = new CoalescingQueue<>(10);
        q.offer("a", 1);
        q.offer("b", 1);
        q.offer("a", 2);
        assertThat(q.take(10, 0)).containsExactly(Map.entry("a", 2), Map.entry("b", 1));
    }

    @Test
    void dropsTheOldestWhenFull() throws Exception {
        CoalescingQueue<String, Integer> q = new CoalescingQueue<>(2);
        assertThat(q.offer("a", 1)).isZero();
        assertThat(q.offer("b", 1)).isZero();
        assertThat(q.offer("c", 1)).isEqualTo(1);
        assertThat(q.offer("b", 2)).isZero();
        assertThat(q.take(10, 0)).containsExactly(Map.entry("b", 2), Map.entry("c", 1));
    }

    @Test
    void requeuePutsFailedEntriesFirstUnlessSuperseded() throws Exception {
        CoalescingQueue<String, Integer> q = new CoalescingQueue<>(3);
        q.offer("a", 1);
        q.offer("b", 1);
        List<Map.Entry<String, Integer>> batch = q.take(2, 0);
        q.offer("b", 2);
        q.offer("c", 1);
        assertThat(q.requeue(batch)).isZero();
        assertThat(q.take(10, 0)).containsExactly(Map.entry("a", 1), Map.entry("b", 2), Map.entry("c", 1));
        q.offer("x", 1);
        q.offer("y", 1);
        q.offer("z", 1);
        assertThat(q.requeue(List.of(Map.entry("w", 0)))).isEqualTo(1);
        assertThat(q.size()).isEqualTo(3);
    }

    @Test
    void takeTimesOutEmpty() throws Exception {
        assertThat(new CoalescingQueue<String, Integer>(1).take(5, 10)).isEmpty();
    }
}
