package dev.tocsin.core.internal.template;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tocsin.core.Labels;
import dev.tocsin.core.TemplateException;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes parse and expand: parsing may only fail with {@link TemplateException}, expansion never throws. The seed
 * corpus (TemplateFuzzTestInputs/parseAndExpand) holds every template of the reference rule packs and of the
 * promtool table; it is replayed by every build, fuzzing proper runs with JAZZER_FUZZ=1.
 */
class TemplateFuzzTest {

    private static final TemplateData[] DATA = {
        new TemplateData(Labels.of("backend", "app", "instance", "lb1:8404", "job", "haproxy"), 0,
                Labels.of("env", "prod"), "http://prom.example:9090/prom"),
        new TemplateData(Labels.empty(), Double.NaN, Labels.empty(), ""),
        new TemplateData(Labels.of("proxy", "web", "server", "s1"), 1234567.125, Labels.empty(), "not a url"),
    };

    /**
     * Jazzer's regex-injection sanitizer reports every PatternSyntaxException from Pattern.compile. Compiling the
     * template's own patterns is the documented semantics of reReplaceAll and match (as in Prometheus), and an
     * invalid pattern becomes Prometheus's error text, so that hook is disabled (core/pom.xml, surefire).
     */
    @FuzzTest(maxDuration = "3m")
    void parseAndExpand(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Template t;
        try {
            t = Template.parse("fuzz", text);
        } catch (TemplateException e) {
            assertThat(e.line()).isGreaterThanOrEqualTo(0);
            assertThat(e.column()).isGreaterThanOrEqualTo(0);
            return;
        }
        for (TemplateData d : DATA) {
            String out = t.expand(d);
            assertThat(out).isNotNull();
            assertThat(out).doesNotStartWith("<error expanding template: error executing template fuzz: internal");
        }
    }
}
