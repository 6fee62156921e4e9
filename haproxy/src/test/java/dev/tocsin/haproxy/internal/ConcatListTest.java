package dev.tocsin.haproxy.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcatListTest {

    @Test
    void readsTheHeadThenTheTail() {
        List<String> head = new ArrayList<>(List.of("a", "b", "c"));
        ConcatList<String> l = new ConcatList<>(head, "d", "e");
        assertThat(l).containsExactly("a", "b", "c", "d", "e");
        assertThat(l.get(2)).isEqualTo("c");
        assertThat(l.get(3)).isEqualTo("d");
        assertThat(l).isEqualTo(List.of("a", "b", "c", "d", "e"));
        assertThat(new ConcatList<>(List.<String>of())).isEmpty();
    }

    @Test
    void indexesOutsideFailAndTheViewIsReadOnly() {
        ConcatList<String> l = new ConcatList<>(List.of("a"), "b");
        assertThatThrownBy(() -> l.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> l.set(0, "c")).isInstanceOf(UnsupportedOperationException.class);
    }
}
