package dev.tocsin.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.expr.EvalContext;
import dev.tocsin.core.internal.expr.Family;
import dev.tocsin.core.internal.template.TemplateData;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The templates' query function as the rule layer provides it. */
class RuleTemplatesTest {

    /** A context with one series x{i="1"} = 4 that counts how often x is read. */
    private static final class Counting implements EvalContext {
        int reads;

        @Override
        public Instant time() {
            return Instant.ofEpochSecond(100);
        }

        @Override
        public Family family(String metricName) {
            if (!metricName.equals("x")) {
                return Family.empty();
            }
            reads++;
            return new Family(new Sample[] {Sample.of("x", 4, "i", "1")}, new boolean[1]);
        }
    }

    @Test
    void literalQueriesAreKnownAtCompileTimeAndBuiltOnesFlagged() {
        RuleTemplates t = RuleTemplates.compile("R", Map.of("l", "{{ query \"sum(x)\" | len }}"),
                Map.of("a", "{{ with query \"rate(y[5m])\" }}{{ end }}{{ query \"x +\" }}"));
        assertThat(t.queryExpressions()).extracting(Object::toString).containsExactlyInAnyOrder("sum(x)", "rate(y[5m])");
        assertThat(t.hasDynamicQueries()).isFalse();
        assertThat(t.usesQuery()).isTrue();
        assertThat(RuleTemplates.compile("R", Map.of(), Map.of("a", "{{ query \"x +\" }}")).usesQuery()).isTrue();
        assertThat(RuleTemplates.compile("R", Map.of("l", "{{ $value }}"), Map.of()).usesQuery()).isFalse();
        assertThat(RuleTemplates.compile("R", Map.of(), Map.of("a", "{{ query (printf \"%s\" \"x\") }}"))
                .hasDynamicQueries()).isTrue();
    }

    @Test
    void eachQueryTextIsEvaluatedOncePerRuleEvaluation() throws Exception {
        RuleTemplates t = RuleTemplates.compile("R", Map.of(), Map.of());
        Counting ctx = new Counting();
        TemplateData.Query q = t.query(ctx);
        List<TemplateData.Series> first = q.run("x * 2");
        assertThat(q.run("x * 2")).isSameAs(first);
        assertThat(first).containsExactly(new TemplateData.Series(Labels.of("i", "1"), 8));
        assertThat(ctx.reads).isEqualTo(1);
        // another rule evaluation asks again
        assertThat(t.query(ctx).run("x * 2")).isEqualTo(first);
        assertThat(ctx.reads).isEqualTo(2);
        assertThat(q.run("scalar(x)")).containsExactly(new TemplateData.Series(Labels.empty(), 4));
        assertThatThrownBy(() -> q.run("x +")).isInstanceOf(ExpressionException.class);
    }
}
