package dev.tocsin.core.internal.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.core.Labels;
import dev.tocsin.core.TemplateException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replays the table of expansions recorded from the real Prometheus (promtool 2.42) by
 * {@code promtool-cases/generate.py}: every template must expand to exactly what Prometheus produced, and every
 * template Prometheus rejects must be rejected with the same message and line.
 */
class PromtoolCasesTest {

    private static final Pattern GO_PARSE_ERROR = Pattern.compile("template: [^:]+:(\\d+): (.*)", Pattern.DOTALL);

    static JsonNode table() throws IOException {
        try (InputStream in = PromtoolCasesTest.class.getResourceAsStream("promtool-cases/expected.json")) {
            assertThat(in).as("promtool-cases/expected.json on the test class path").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static double value(String s) {
        switch (s) {
            case "NaN": return Double.NaN;
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default: return Double.parseDouble(s);
        }
    }

    static TemplateData data(JsonNode c) {
        Map<String, String> labels = new TreeMap<>();
        c.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new TemplateData(Labels.of(labels), value(c.get("value").asText()), Labels.empty(), "");
    }

    @TestFactory
    List<DynamicTest> expandsLikePrometheus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : table().get("cases")) {
            String name = c.get("name").asText();
            String text = c.get("template").asText();
            if (!c.has("output")) {
                continue;
            }
            String expected = c.get("output").asText();
            tests.add(DynamicTest.dynamicTest(name + ": " + abbreviate(text), () -> {
                Template t = Template.parse(name, text);
                assertThat(t.expand(data(c))).as(text).isEqualTo(expected);
            }));
        }
        assertThat(tests).hasSizeGreaterThan(100);
        return tests;
    }

    @TestFactory
    List<DynamicTest> rejectsWhatPrometheusRejects() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : table().get("cases")) {
            if (!c.has("parseError")) {
                continue;
            }
            String name = c.get("name").asText();
            String text = c.get("template").asText();
            Matcher m = GO_PARSE_ERROR.matcher(c.get("parseError").asText());
            assertThat(m.matches()).as(c.get("parseError").asText()).isTrue();
            int line = Integer.parseInt(m.group(1));
            String detail = m.group(2);
            tests.add(DynamicTest.dynamicTest(name + ": " + abbreviate(text), () ->
                    assertThatThrownBy(() -> Template.parse(name, text))
                            .isInstanceOfSatisfying(TemplateException.class, e -> {
                                assertThat(e.detail()).isEqualTo(detail);
                                assertThat(e.line()).isEqualTo(line);
                                assertThat(e.column()).isPositive();
                            })));
        }
        assertThat(tests).hasSizeGreaterThan(10);
        return tests;
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() > 60 ? one.substring(0, 60) + "..." : one;
    }
}
