package dev.tocsin.core.internal.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tocsin.core.Labels;
import dev.tocsin.core.TemplateException;
import dev.tocsin.core.testing.SmallStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Feature-level tests of the template engine beyond the promtool table. */
class TemplateTest {

    private static final Labels HA = Labels.of("backend", "app", "instance", "lb1:8404", "job", "haproxy");
    private static final TemplateData DATA = new TemplateData(HA, 0, Labels.of("env", "prod"),
            "http://prom.example:9090/prom");

    private static String expand(String text) {
        return Template.parse("t", text).expand(DATA);
    }

    private static String expand(String text, double value) {
        return Template.parse("t", text).expand(new TemplateData(HA, value, Labels.empty(), ""));
    }

    @Test
    void seedAnnotationsExpandLikePrometheus() {
        assertThat(expand("HAProxy backend is down\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}"))
                .isEqualTo("HAProxy backend is down\n  VALUE = 0\n  LABELS = map[backend:app instance:lb1:8404 "
                        + "job:haproxy]");
        assertThat(expand("HAProxy backend down (instance {{ $labels.instance }})"))
                .isEqualTo("HAProxy backend down (instance lb1:8404)");
    }

    @Test
    void literalTextIsReturnedAsIs() {
        Template t = Template.parse("t", "no actions here } { }}");
        assertThat(t.expand(DATA)).isSameAs(t.expand(DATA)).isEqualTo("no actions here } { }}");
    }

    @Test
    void externalLabelsAndUrl() {
        assertThat(expand("{{ $externalLabels.env }}|{{ .ExternalLabels }}|{{ $externalURL }}|{{ externalURL }}"
                + "|{{ pathPrefix }}"))
                .isEqualTo("prod|map[env:prod]|http://prom.example:9090/prom|http://prom.example:9090/prom|/prom");
    }

    @Test
    void valueFormatting() {
        assertThat(expand("{{ $value }}", 1e6)).isEqualTo("1e+06");
        assertThat(expand("{{ $value }}", 123456)).isEqualTo("123456");
        assertThat(expand("{{ $value }}", 1.5e-7)).isEqualTo("1.5e-07");
        assertThat(expand("{{ $value }}", -0.0)).isEqualTo("-0");
        assertThat(expand("{{ .Value | printf \"%.2f\" }}", 0.125)).isEqualTo("0.12");
        assertThat(expand("{{ .Value | printf \"%.2f\" }}", -0.001)).isEqualTo("-0.00");
    }

    @Test
    void queryWithoutAnEvaluatorIsAnExpansionError() {
        assertThat(expand("{{ query \"up\" }}"))
                .startsWith("<error expanding template: error executing template t: template: t:1:115: executing "
                        + "\"t\" at <query \"up\">: error calling query: the query function is not available here");
    }

    /** The query function answers from a fixed table: "up" has two series, "none" none, "bad" fails. */
    private static String expandQuerying(String text) {
        TemplateData.Query q = expr -> {
            switch (expr) {
                case "up":
                    return List.of(new TemplateData.Series(Labels.of("__name__", "up", "job", "b", "i", "1"), 1),
                            new TemplateData.Series(Labels.of("__name__", "up", "job", "a", "i", "2"), 0),
                            new TemplateData.Series(Labels.of("__name__", "up", "job", "b", "i", "3"), 1));
                case "none":
                    return List.of();
                case "scalar":
                    return List.of(new TemplateData.Series(Labels.empty(), 2.5));
                default:
                    throw new IllegalArgumentException("cannot parse " + expr);
            }
        };
        return Template.parse("t", text).expand(new TemplateData(HA, 0, Labels.empty(), "", q));
    }

    @Test
    void queryResultsWorkWithPrometheusHelperFunctions() {
        assertThat(expandQuerying("{{ query \"up\" | len }}")).isEqualTo("3");
        assertThat(expandQuerying("{{ with query \"up\" }}{{ . | first | label \"job\" }}{{ end }}")).isEqualTo("b");
        assertThat(expandQuerying("{{ query \"scalar\" | first | value }}")).isEqualTo("2.5");
        assertThat(expandQuerying("[{{ query \"up\" | first | strvalue }}]")).isEqualTo("[]");
        // sortByLabel is stable: i=1 stays before i=3
        assertThat(expandQuerying("{{ range query \"up\" | sortByLabel \"job\" }}{{ .Labels.job }}{{ .Labels.i }}"
                + "={{ .Value }} {{ end }}")).isEqualTo("a2=0 b1=1 b3=1 ");
        assertThat(expandQuerying("{{ range $i, $s := query \"up\" }}{{ $i }}:{{ $s.Labels.i }} {{ end }}"))
                .isEqualTo("0:1 1:2 2:3 ");
        assertThat(expandQuerying("{{ range query \"up\" }}{{ if eq .Labels.i \"2\" }}{{ continue }}{{ end }}"
                + "{{ .Labels.i }}{{ end }}|{{ range query \"up\" }}{{ if eq .Labels.i \"2\" }}{{ break }}{{ end }}"
                + "{{ .Labels.i }}{{ end }}")).isEqualTo("13|1");
        assertThat(expandQuerying("{{ range query \"none\" }}x{{ else }}empty{{ end }}")).isEqualTo("empty");
        // Go orders label values by UTF-8 bytes, i.e. by code point: U+1F600 after U+FF5E (UTF-16 would invert them)
        assertThat(Funcs.compareCodePoints("\uD83D\uDE00", "\uFF5E")).isPositive();
        assertThat(Funcs.compareCodePoints("ab", "abc")).isNegative();
        assertThat(Funcs.compareCodePoints("b", "abc")).isPositive();
        assertThat(Funcs.compareCodePoints("x", "x")).isZero();
        assertThat(expandQuerying("{{ if query \"none\" }}yes{{ else }}no{{ end }}")).isEqualTo("no");
        assertThat(expandQuerying("{{ (index (query \"up\") 1).Value }}")).isEqualTo("0");
        // text/template prints the struct a *sample points to; printf shows the pointer
        assertThat(expandQuerying("{{ index (query \"scalar\") 0 }}")).isEqualTo("{map[] 2.5}");
        assertThat(expandQuerying("{{ printf \"%+v\" (query \"scalar\" | first) }}"))
                .isEqualTo("&{Labels:map[] Value:2.5}");
        assertThat(expandQuerying("{{ printf \"%T %T\" (query \"up\") (query \"up\" | first) }}"))
                .isEqualTo("template.queryResult *template.sample");
    }

    @Test
    void queryFailuresAreExpansionErrorsWithGoWording() {
        assertThat(expandQuerying("{{ query \"none\" | first }}")).isEqualTo("<error expanding template: error "
                + "executing template t: template: t:1:130: executing \"t\" at <first>: error calling first: first() "
                + "called on vector with no elements>");
        assertThat(expandQuerying("{{ query \"bad\" }}")).endsWith("at <query \"bad\">: error calling query: "
                + "cannot parse bad>");
        // at the length Go's indexArg lets the index through and reflect panics (promtool 2.42 checked); beyond it, not
        assertThat(expandQuerying("{{ index (query \"up\") 3 }}")).endsWith("error calling index: reflect: slice "
                + "index out of range>");
        assertThat(expandQuerying("{{ index (query \"up\") 4 }}")).endsWith("error calling index: index out of "
                + "range: 4>");
        assertThat(expandQuerying("{{ first \"up\" }}")).endsWith("can't handle \"up\" for arg of type "
                + "template.queryResult>");
        assertThat(expandQuerying("{{ \"up\" | first }}")).endsWith("wrong type for value; expected "
                + "template.queryResult; got string>");
        assertThat(expandQuerying("{{ 1.5 | value }}")).endsWith("wrong type for value; expected *template.sample; "
                + "got float64>");
        assertThat(expandQuerying("{{ (query \"up\" | first).Nope }}")).endsWith("can't evaluate field Nope in "
                + "type template.sample>");
        assertThat(expandQuerying("{{ label \"x\" nil }}")).endsWith("error calling label: runtime error: invalid "
                + "memory address or nil pointer dereference>");
    }

    @Test
    void literalQueriesAreFoundForTheEvaluatorAndBuiltOnesMarked() {
        assertThat(Template.parse("t", "{{ with query \"sum(up)\" }}{{ . | first | value }}{{ end }}"
                + "{{ define \"x\" }}{{ range query \"rate(c[5m])\" }}{{ end }}{{ end }}").queries())
                .containsExactly("sum(up)", "rate(c[5m])");
        assertThat(Template.parse("t", "{{ query (printf \"up{job='%s'}\" $labels.job) }}{{ \"up\" | query }}")
                .queries()).containsExactly(null, null);
        assertThat(Template.parse("t", "no query").queries()).isEmpty();
    }

    @Test
    void errorsInLaterLinesHaveGoPositions() {
        assertThat(expand("a\nb {{ $labels.job }}\n  {{ len 3 }}"))
                .isEqualTo("<error expanding template: error executing template t: template: t:3:5: executing \"t\" "
                        + "at <len 3>: error calling len: len of type int>");
    }

    @Test
    void recursionIsBounded() {
        assertThat(expand("{{ define \"a\" }}{{ template \"a\" }}{{ end }}{{ template \"a\" }}"))
                .startsWith("<error expanding template: ").contains("exceeded maximum template depth");
    }

    @Test
    void intermediateValuesAreBoundedToo() {
        // a value doubled in a variable, never printed: each call's result is checked, not only the output
        StringBuilder doubling = new StringBuilder("{{ $x := \"ab\" }}");
        for (int i = 0; i < 40; i++) {
            doubling.append("{{ $x = printf \"%s%s\" $x $x }}");
        }
        assertThat(expand(doubling.toString())).startsWith("<error expanding template: ")
                .endsWith("error calling printf: result longer than 1048576 characters>");
        // widths of a million, many times in one printf
        assertThat(expand("{{ printf \"" + "%999999d".repeat(100) + "\" 1 2 3 }}"))
                .startsWith("<error expanding template: ").endsWith("result longer than 1048576 characters>");
        assertThat(expand("{{ printf \"%.999999f%.999999f\" 1.5 2.5 }}"))
                .endsWith("result longer than 1048576 characters>");
        // a template named recursively on a growing value
        assertThat(expand("{{ define \"a\" }}{{ template \"a\" (printf \"%s%s\" . .) }}{{ end }}"
                + "{{ template \"a\" \"ab\" }}")).startsWith("<error expanding template: ")
                .contains("result longer than 1048576 characters");
        // within the limit, as Go
        assertThat(expand("{{ printf \"%5d|%-4s|%.3f\" 42 \"ab\" 1.5 }}")).isEqualTo("   42|ab  |1.500");
    }

    @Test
    void exponentialWorkIsBounded() {
        StringBuilder sb = new StringBuilder("{{ define \"t0\" }}x{{ end }}");
        for (int i = 1; i <= 40; i++) {
            sb.append("{{ define \"t").append(i).append("\" }}{{ template \"t").append(i - 1)
                    .append("\" }}{{ template \"t").append(i - 1).append("\" }}{{ end }}");
        }
        sb.append("{{ template \"t40\" }}");
        assertThat(expand(sb.toString())).startsWith("<error expanding template: ").contains("exceeded");
    }

    @Test
    void regexFunctionsFollowGoSemantics() {
        assertThat(expand("{{ reReplaceAll \"(?P<host>[^:]+):(\\\\d+)\" \"${host} port $2\" $labels.instance }}"))
                .isEqualTo("lb1 port 8404");
        assertThat(expand("{{ reReplaceAll \"a*\" \"-\" \"baaac\" }}")).isEqualTo("-b-c-");
        assertThat(expand("{{ match \"(?=x)\" \"x\" }}")).contains("invalid or unsupported Perl syntax");
        assertThat(expand("{{ match \"^lb\\\\d$\" $labels.instance }}")).isEqualTo("false");
    }

    @Test
    void regexFunctionsAreBoundedLikeTheExpressionLanguage() throws Exception {
        String value = "a".repeat(44) + "c";
        // catastrophic backtracking: an error in the expansion, never a hang
        assertThat(expand("{{ reReplaceAll \"(.*a){20}\" \"x\" \"" + value + "\" }}"))
                .startsWith("<error expanding template: ").contains("error calling reReplaceAll: regular expression"
                        + " `(.*a){20}` needed more than").contains("on a value of 45 characters");
        assertThat(expand("{{ match \"(.*a){20}$\" \"" + value + "\" }}"))
                .contains("error calling match: regular expression `(.*a){20}$` needed more than");
        // a deep recursion: the same kind of error (not the whole template's "stack overflow")
        Template deep = Template.parse("t", "{{ reReplaceAll \"(a|b)*\" \"x\" $labels.long }}");
        assertThat(SmallStack.call(() -> deep.expand(new TemplateData(Labels.of("long", "ab".repeat(200_000)), 0,
                Labels.empty(), ""))))
                .contains("error calling reReplaceAll: regular expression `(a|b)*` ran out of stack on a value"
                        + " of 400000 characters");
        // a quadratic search over a few thousand characters still answers
        assertThat(expand("{{ reReplaceAll \" +$\" \"\" \"x" + " ".repeat(3000) + "x \" }}"))
                .isEqualTo("x" + " ".repeat(3000) + "x");
        // a linear pattern over the same long value is fine
        assertThat(Template.parse("t", "{{ reReplaceAll \"[ab]+\" \"x\" $labels.long }}")
                .expand(new TemplateData(Labels.of("long", "ab".repeat(200_000)), 0, Labels.empty(), "")))
                .isEqualTo("x");
    }

    @Test
    void expandIsThreadSafe() throws Exception {
        Template t = Template.parse("t", "{{ range $k, $v := $labels }}{{ $k }}={{ $v | toUpper }} {{ end }}"
                + "{{ reReplaceAll \":.*\" \"\" $labels.instance }} {{ $value | humanize }}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                double v = i;
                results.add(pool.submit(() -> t.expand(new TemplateData(HA, v * 1000, Labels.empty(), ""))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(
                        "backend=APP instance=LB1:8404 job=HAPROXY lb1 " + Funcs.humanize(i * 1000.0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expandNeverThrowsEvenWithoutData() {
        assertThat(Template.parse("t", "{{ $labels.x }}").expand(null)).startsWith("<error expanding template: ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'ab\\n  {{ $labels.job '         | 2 | 3  | unclosed action",
        "'x {{ nosuch 1 }}'               | 1 | 6  | function \"nosuch\" not defined",
        "'{{ if true }}x'                 | 1 | 15 | unexpected EOF",
        "'a\\n{{ end }}'                  | 2 | 8  | unexpected {{end}}",
        "'{{ 3x }}'                       | 1 | 4  | bad number syntax: \"3x\"",
        "'ok\\n\\n  {{ $nope }}'          | 3 | 6  | undefined variable \"$nope\"",
        "'{{ \"a\" | 1 }}'                | 1 | 10 | non executable command in pipeline stage 2",
        "'é{{ ( }}'                       | 1 | 7  | unclosed left paren",
        "'{{ range }}{{ end }}'           | 1 | 10 | missing value for range",
        "'{{ }}'                          | 1 | 4  | missing value for command",
    })
    void malformedTemplatesReportLineAndColumn(String escaped, int line, int column, String detail) {
        String text = escaped.replace("\\n", "\n");
        assertThatThrownBy(() -> Template.parse("summary", text))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.detail()).isEqualTo(detail);
                    assertThat(e.line()).as("line").isEqualTo(line);
                    assertThat(e.column()).as("column").isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("template 'summary' at line " + line + ", column " + column);
                });
    }

    @Test
    void everyReferenceRuleTemplateParsesAndExpandsCleanly() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        int count = 0;
        for (String file : List.of("haproxy-exporter-v1.yml", "embedded-exporter-v2.yml")) {
            try (InputStream in = getClass().getResourceAsStream("promtool-cases/" + file)) {
                assertThat(in).as(file).isNotNull();
                JsonNode root = yaml.readTree(in);
                for (JsonNode group : root.get("groups")) {
                    for (JsonNode rule : group.get("rules")) {
                        for (String section : List.of("annotations", "labels")) {
                            JsonNode m = rule.get(section);
                            if (m == null) {
                                continue;
                            }
                            var it = m.fields();
                            while (it.hasNext()) {
                                var e = it.next();
                                String out = Template.parse(e.getKey(), e.getValue().asText()).expand(DATA);
                                assertThat(out).as(e.getValue().asText()).doesNotContain("<error").doesNotContain("{{");
                                count++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(count).isGreaterThan(50);
    }
}
