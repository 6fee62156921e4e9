package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tocsin.core.Sample;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A rule's expression and a query of the same text differ where Prometheus' rule manager differs (absent labels). */
class RuleFormTest {

    /** One series x{job="a"}, and a memo shared by everything evaluated against it, as in one evaluation. */
    private static final class Shared implements EvalContext {
        final Map<String, Vector> memo = new HashMap<>();

        @Override
        public Instant time() {
            return Instant.ofEpochSecond(1000);
        }

        @Override
        public Family family(String metricName) {
            return metricName.equals("x") ? new Family(new Sample[] {Sample.of("x", 1, "job", "a")}, new boolean[1])
                    : Family.empty();
        }

        @Override
        public Map<String, Vector> memo() {
            return memo;
        }
    }

    private static List<String> labels(Vector v) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(v.labels(i).toString());
        }
        return out;
    }

    @Test
    void absentLabelsOfARuleComeFromItsSortedMatchers() {
        String text = "absent(nosuch{job=\"a\", job!=\"b\"})";
        assertThat(labels(Expression.parse(text).evaluate(new Shared()))).containsExactly("{}");
        assertThat(labels(Expression.parseRule(text).evaluate(new Shared()))).containsExactly("{job=\"a\"}");
        // sorted or not, job!="b" comes first here: the same labels either way
        String sorted = "absent(nosuch{job!=\"b\", job=\"a\"})";
        assertThat(labels(Expression.parse(sorted).evaluate(new Shared()))).containsExactly("{job=\"a\"}");
        assertThat(labels(Expression.parseRule(sorted).evaluate(new Shared()))).containsExactly("{job=\"a\"}");
    }

    @Test
    void aRuleAndAQueryOfTheSameTextDoNotShareAMemoizedResult() {
        String text = "sum by (job) (absent(nosuch{job=\"a\", job!=\"b\"}))";
        Shared one = new Shared();
        assertThat(labels(Expression.parseRule(text).evaluate(one))).containsExactly("{job=\"a\"}");
        assertThat(labels(Expression.parse(text).evaluate(one))).containsExactly("{}");
        assertThat(labels(Expression.parseRule(text).evaluate(one))).containsExactly("{job=\"a\"}");
        // two rules of the same text still share it
        int entries = one.memo.size();
        Expression.parseRule(text).evaluate(one);
        assertThat(one.memo).hasSize(entries);
    }
}
