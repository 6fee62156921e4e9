package dev.tocsin.core.internal.source;

import dev.tocsin.core.Labels;
import dev.tocsin.core.Sample;
import dev.tocsin.core.source.PrometheusTextFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromTextParserTest {

    private static List<Sample> parse(String text) {
        return PromTextParser.parse("test", text).samples();
    }

    @Test
    void readsSamplesWithLabelsEscapesAndSpecialValues() {
        List<Sample> s = parse("# HELP a_total Help with \\\\ and \\n escapes\n"
                + "# TYPE a_total counter\n"
                + "a_total{path=\"/x\\\"y\\\\z\\nw\",code=\"200\"} 3 1700000000000\n"
                + "b NaN\n"
                + "c +Inf\n"
                + "d -Inf\n"
                + "  e{} 1e-3\n"
                + "f{x=\"\",y=\"1\",} 1.6e1\n"
                + "g{v=\"\\t\"}\t-2.5\n");
        assertThat(s).hasSize(7);
        assertThat(s.get(0).labels()).isEqualTo(Labels.of("__name__", "a_total", "path", "/x\"y\\z\nw", "code", "200"));
        assertThat(s.get(0).value()).isEqualTo(3.0);
        assertThat(s.get(1).value()).isNaN();
        assertThat(s.get(2).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.get(3).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.get(4).labels()).isEqualTo(Labels.of("__name__", "e"));
        assertThat(s.get(4).value()).isEqualTo(0.001);
        assertThat(s.get(5).labels()).as("empty label value = no label").isEqualTo(Labels.of("__name__", "f", "y", "1"));
        assertThat(s.get(5).value()).isEqualTo(16.0);
        assertThat(s.get(6).labels().get("v")).as("unknown escapes kept as written").isEqualTo("\\t");
        assertThat(s.get(6).value()).isEqualTo(-2.5);
    }

    @Test
    void histogramsAndSummariesAreTheirSampleLines() {
        List<Sample> s = parse("# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.3\n"
                + "h_count 2\n# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 1\ns_count 1\n");
        assertThat(s).extracting(Sample::metricName)
                .containsExactly("h_bucket", "h_bucket", "h_sum", "h_count", "s", "s_sum", "s_count");
        assertThat(s.get(1).labels().get("le")).isEqualTo("+Inf");
    }

    @Test
    void commentsBlankLinesAndCrlfAreIgnored() {
        List<Sample> s = parse("\n   \n#plain\n# just a comment\n# HELP\n# TYPE\na 1\r\nb 2");
        assertThat(s).extracting(Sample::metricName).containsExactly("a", "b");
    }

    @Test
    void aRepeatedSeriesKeepsTheFirstSample() {
        PromTextParser.Result r = PromTextParser.parse("t", "a{x=\"1\"} 1\na{x=\"1\"} 2\na{x=\"2\"} 3\n");
        assertThat(r.samples()).extracting(Sample::value).containsExactly(1.0, 3.0);
        assertThat(r.duplicates()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a{b=\"c\" 1|1|9|expected ',' or '}'",
        "a{b=\"c} 1|1|10|unterminated value of label b",
        "a 1 2 3|1|7|unexpected text after the timestamp",
        "a 1x|1|3|invalid sample value '1x'",
        "a 1 1.5|1|5|invalid timestamp",
        "a|1|2|expected a value",
        "a-b 1|1|2|invalid character '-' in metric name",
        "1a 1|1|1|expected a metric name",
        "a{1=\"x\"} 1|1|3|expected a label name",
        "a{b=\"1\",b=\"2\"} 1|1|9|duplicate label name b",
        "a{__name__=\"b\"} 1|1|3|duplicate label name __name__",
        "a{b \"x\"} 1|1|5|expected '=' after label name b",
        "a{b=x} 1|1|5|expected '\"'",
        "# TYPE a bogus|1|10|invalid metric type 'bogus'",
        "# HELP 1a text|1|8|invalid metric name in # HELP",
        "# TYPE a|1|9|invalid metric type ''",
        "a 0x10|1|3|invalid sample value",
        "a 1d|1|3|invalid sample value",
        // as Prometheus' text parser: no hexadecimal floats, no sign before NaN, no overflow, unsigned timestamps
        "a 0x1p4|1|3|invalid sample value '0x1p4'",
        "a 1_000|1|3|invalid sample value",
        "a -NaN|1|3|invalid sample value '-NaN'",
        "a +nan|1|3|invalid sample value '+nan'",
        "a 1e400|1|3|sample value '1e400' out of range",
        "a -1e400|1|3|sample value '-1e400' out of range",
        "a 1 -5|1|5|invalid timestamp '-5'",
        "a 1 +5|1|5|invalid timestamp '+5'",
    })
    void malformedLinesFailWithTheirPosition(String line, int lineNo, int column, String detail) {
        String text = "ok 1\n# HELP ok fine\n" + line + "\nlater 2\n";
        assertThatThrownBy(() -> parse(text))
                .isInstanceOfSatisfying(PrometheusTextFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(lineNo + 2);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.detail()).contains(detail);
                    assertThat(e.input()).isEqualTo("test");
                });
    }

    @Test
    void invalidUtf8IsReportedWithItsPosition() {
        byte[] bytes = "ok 1\na{b=\"\u00e9\"} 1\nx\u00ff".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, bad, 0, bytes.length);
        bad[bytes.length] = (byte) 0xff;
        bad[bytes.length + 1] = ' ';
        assertThatThrownBy(() -> PromTextParser.parse("t", bad))
                .isInstanceOfSatisfying(PrometheusTextFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(4);
                    assertThat(e.detail()).isEqualTo("invalid UTF-8");
                });
    }

    @Test
    void readsEverySampleOfARealHaproxyExport() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("haproxy-2.6-metrics.txt")) {
            bytes = in.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        long sampleLines = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        PromTextParser.Result r = PromTextParser.parse("haproxy", bytes);
        assertThat(r.samples()).hasSize((int) sampleLines);
        assertThat(r.duplicates()).isZero();
        assertThat(r.samples()).contains(new Sample(Labels.of("__name__", "haproxy_backend_limit_sessions",
                "proxy", "app"), 1998));
        assertThat(r.samples()).filteredOn(s -> s.metricName().equals("haproxy_server_http_responses_total"))
                .hasSize(12)
                .allSatisfy(s -> assertThat(s.labels().get("code")).matches("[1-5]xx|other"));
    }

    @Test
    void targetLabelsMoveAsidePrometheusStyleUnlessHonored() {
        List<Sample> in = parse("a{instance=\"x\",job=\"y\",exported_job=\"z\"} 1\nb 2\n");
        List<Sample> out = ScrapeLabels.apply(in, false);
        assertThat(out.get(0).labels()).isEqualTo(Labels.of("__name__", "a", "exported_instance", "x",
                "exported_job", "z", "exported_exported_job", "y"));
        assertThat(out.get(1)).isEqualTo(in.get(1));
        assertThat(ScrapeLabels.apply(in, true)).isEqualTo(in);
    }

    @Test
    void seriesThatTheRenamingMakesEqualKeepTheFirstAsInPrometheus() {
        List<Sample> in = parse("m{exported_instance=\"x\"} 2\nm{instance=\"x\"} 1\nm{job=\"a\"} 3\n"
                + "m{exported_job=\"a\"} 4\nn 5\n");
        assertThat(ScrapeLabels.apply(in, false)).extracting(Sample::value).containsExactly(2.0, 3.0, 5.0);
        assertThat(ScrapeLabels.apply(in, true)).hasSize(5);
        // honoured: m{instance="lb"} and m are one series once the target's instance lb is added to the second
        List<Sample> honored = parse("m{instance=\"lb\"} 7\nm 8\nm{instance=\"other\"} 9\nn 1\n");
        assertThat(ScrapeLabels.apply(honored, true, "lb", "j")).extracting(Sample::value)
                .containsExactly(7.0, 9.0, 1.0);
        assertThat(ScrapeLabels.apply(honored, true, "elsewhere", "j")).hasSize(4);
    }

    @Test
    void theSampleLimitCountsRepeatedSeriesAsPrometheusDoes() {
        String text = "m 1\nm 2\nn 1\n";
        assertThatThrownBy(() -> PromTextParser.parse("t", text.getBytes(StandardCharsets.UTF_8), 2))
                .isInstanceOf(PromTextParser.SampleLimitExceeded.class);
        assertThat(PromTextParser.parse("t", text.getBytes(StandardCharsets.UTF_8), 3).samples()).hasSize(2);
    }
}
