package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * An aggregation over a range function's results remembers which group each input position went to (see
 * {@code Compiler.GroupLayout}) across evaluations, whatever the aggregation and selector: the range function hands on
 * the series' own labels (the same objects at each evaluation) even where the name-free set is made anew. From a
 * review: before the layout was keyed by the object given, these aggregations paused it after three evaluations.
 */
class NamelessLayoutTest {

    private static History history() {
        History h = new History();
        h.configure(300_000, Set.of("x"), false);
        for (int k = 0; k <= 4; k++) {
            long t = 15_000L * k;
            TestContext c = new TestContext(Instant.ofEpochMilli(t));
            for (int a = 1; a <= 20; a++) {
                c.add(new Sample(Labels.of("__name__", "x", "a", Integer.toString(a), "b", "b" + (a % 3)),
                        15.0 * k * a), false);
            }
            h.record(t, c);
        }
        return h;
    }

    /** Finds the GroupLayout in the plan's captured state. */
    private static Compiler.GroupLayout layout(Object root) throws Exception {
        return find(root, new IdentityHashMap<>(), 0);
    }

    private static Compiler.GroupLayout find(Object o, IdentityHashMap<Object, Boolean> seen, int depth)
            throws Exception {
        if (o == null || depth > 8 || seen.put(o, true) != null) {
            return null;
        }
        if (o instanceof AtomicReference) {
            Object v = ((AtomicReference<?>) o).get();
            if (v instanceof Compiler.GroupLayout) {
                return (Compiler.GroupLayout) v;
            }
            return null;
        }
        if (o instanceof String || o instanceof Number || o.getClass().isArray() || o instanceof History) {
            return null;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith("java.")) {
                return null;
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                f.setAccessible(true);
                Compiler.GroupLayout g = find(f.get(o), seen, depth + 1);
                if (g != null) {
                    return g;
                }
            }
        }
        return null;
    }

    @Test
    void layoutHoldsForAggregationsOverRangeFunctions() throws Exception {
        History h = history();
        for (String expr : new String[] {"sum by (b) (rate(x[1m]))", "quantile by (b) (0.5, rate(x[1m]))",
            "topk by (b) (1, rate(x[1m]))", "sum by (__name__, b) (rate(x[1m]))",
            "sum by (b) (rate({a=~\".+\"}[1m]))", "sum by (b) (rate({__name__=~\"x|y\"}[1m]))"}) {
            Expression e = Expression.parse(expr);
            for (int i = 0; i < 6; i++) {
                e.evaluate(new TestContext(Instant.ofEpochMilli(60_000)).withHistory(h));
            }
            Compiler.GroupLayout l = layout(e);
            assertThat(l).as(expr).isNotNull();
            assertThat(l.paused).as("%s: evaluations left paused", expr).isZero();
            assertThat(l.size).as("%s: remembered positions", expr).isEqualTo(20);
            assertThat(l.misses).as("%s: evaluations without a hit", expr).isZero();
        }
    }
}
