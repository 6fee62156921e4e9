package dev.tocsin.examples.cli;

import dev.tocsin.examples.demo.LocalHaproxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's help, argument errors and exit codes, without HAProxy. */
class MainTest {

    @Test
    void helpOfEveryCommandExitsZero() {
        Cli top = Cli.run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("Usage: tocsin", "watch", "check");

        Cli watch = Cli.run("watch", "--help");
        assertThat(watch.code()).isZero();
        assertThat(watch.out()).contains("--alertmanager-user=USER", "--alertmanager-password-env=VAR",
                "--alertmanager-password-file=FILE", "--alertmanager-token-env=VAR", "--alertmanager-token-file=FILE",
                "--alertmanager-ca-file=FILE", "--ca-file=FILE");
        assertThat(watch.out()).contains("--stats=URL", "--interval=DURATION", "--alertmanager=URL", "--rules=FILE",
                "--json", "--user=USER", "--password-env=VAR", "--password-file=FILE", "--timeout=DURATION",
                "(default: 5s)");
        assertThat(watch.out()).doesNotContain("--max-duration");

        Cli check = Cli.run("check", "--help");
        assertThat(check.code()).isZero();
        assertThat(check.out()).contains("--stats=URL", "Exit codes: 0 OK, 1 WARNING");
        assertThat(check.err()).isEmpty();
    }

    @Test
    void noCommandIsAUsageError() {
        Cli r = Cli.run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tocsin: missing command: watch, check or test-rules (see 'tocsin --help')"
                + System.lineSeparator());
    }

    @Test
    void badArgumentsGiveOneLineOnStderrAndExitTwo() {
        assertUsageError(Cli.run("check"), "Missing required option: '--stats=URL'");
        assertUsageError(Cli.run("check", "--stats", "ftp://lb:21/stats"),
                "--stats must be http(s)://HOST:PORT/PATH, unix:PATH or tcp://HOST:PORT");
        assertUsageError(Cli.run("check", "--stats", "tcp://lb"), "--stats tcp:// needs a host and a port");
        // neither a host where a socket path belongs nor a path on the Runtime API's TCP port is reinterpreted
        assertUsageError(Cli.run("check", "--stats", "unix://run/haproxy/admin.sock"),
                "--stats unix:// takes an absolute path after the two slashes");
        assertUsageError(Cli.run("check", "--stats", "tcp://lb:9999/stats"), "--stats tcp:// takes only a host");
        assertUsageError(Cli.run("check", "--stats", "tcp://lb:9999?x=1"), "--stats tcp:// takes only a host");
        Cli withPassword = Cli.run("check", "--stats", "tcp://admin:s3cr3t@lb:9999");
        assertUsageError(withPassword, "--stats must not contain credentials");
        assertThat(withPassword.err()).doesNotContain("s3cr3t");
        Cli beforeUnderscoreHost = Cli.run("check", "--stats", "tcp://admin:s3cr3t@my_lb:9999");
        assertUsageError(beforeUnderscoreHost, "--stats must not contain credentials");
        assertThat(beforeUnderscoreHost.err()).doesNotContain("s3cr3t");
        // ports and durations out of range are usage errors (exit 2), at once, not failures later on
        assertUsageError(Cli.run("check", "--stats", "tcp://lb:99999"), "--stats: port must be 1..65535: 99999");
        assertUsageError(Cli.run("check", "--stats", "http://lb:99999/stats"), "port must be 1..65535: 99999");
        assertUsageError(Cli.run("check", "--stats", "http://lb:abc/stats"), "has no host, or a port that is not");
        // a host name with an underscore (a Docker container name): named for HTTP, accepted for the Runtime API
        assertUsageError(Cli.run("check", "--stats", "http://my_lb:8404/stats"),
                "--stats: statsUri has the host name 'my_lb' with an underscore");
        assertUsageError(Cli.run("check", "--stats", "tcp://my_lb:99999"), "--stats: port must be 1..65535: 99999");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--external-label", "cluster"),
                "--external-label takes NAME=VALUE with a label name");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--external-label", "__x=1"),
                "not starting with __), got '__x=1'");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--external-label", "a="),
                "--external-label a= has an empty value");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--external-label", "a=1",
                "--external-label", "a=2"), "--external-label a is given twice");
        // watch reads --stats, --metrics (a Prometheus text endpoint) or both
        assertUsageError(Cli.run("watch"), "give --stats URL (HAProxy's statistics), --metrics URL");
        assertUsageError(Cli.run("watch", "--metrics", "http://lb:8405/metrics"),
                "--metrics without --stats needs --rules FILE or --embedded-v2");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--embedded-v2"),
                "--embedded-v2 needs --metrics URL");
        assertUsageError(Cli.run("watch", "--metrics", "http://lb:8405/metrics", "--embedded-v2", "--user", "u",
                "--password-env", "X"), "--user, --password-*, --ca-file, --instance and --job apply to --stats");
        assertUsageError(Cli.run("watch", "--metrics", "http://lb:8405/metrics", "--embedded-v2", "--job", "prod"),
                "--instance and --job apply to --stats, which is not given (--metrics-job sets the job of --metrics,");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--metrics", "http://lb:8405/metrics",
                "--embedded-v2"), "--embedded-v2 runs on --metrics only");
        assertUsageError(Cli.run("watch", "--metrics", "http://lb:8405/metrics", "--embedded-v2", "--metrics-job",
                ""), "--metrics-job must not be empty");
        // two targets of one job need different instances, as in Prometheus
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--metrics", "http://lb:8404/metrics"),
                "--metrics http://lb:8404/metrics and --stats would both be instance \"lb:8404\" of job \"haproxy\":"
                        + " give --metrics-job another job");
        assertUsageError(Cli.run("watch", "--metrics", "http://lb:8405/a", "--metrics", "http://lb:8405/b",
                "--embedded-v2"), "would both be instance \"lb:8405\"");
        Cli metricsPassword = Cli.run("watch", "--metrics", "http://u:s3cr3t@lb:8405/metrics", "--embedded-v2");
        assertUsageError(metricsPassword, "--metrics must not contain credentials");
        assertThat(metricsPassword.err()).doesNotContain("s3cr3t");
        Cli underscored = Cli.run("check", "--stats", "tcp://no_such_host:9");
        assertThat(underscored.code()).as("a read failure, not a usage error").isEqualTo(3);
        assertThat(underscored.out()).contains("cannot read tcp://no_such_host:9: unknown host no_such_host");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--alertmanager", "http://am:99999"),
                "port must be 1..65535: 99999");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--interval", "9223372036854775807ms"),
                "is longer than a year");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--interval", "soon"),
                "'soon' is not a duration");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--interval", "0s"),
                "'0s' is not a positive duration");
        assertUsageError(Cli.run("check", "--stats", "http://lb:8404/stats", "--user", "monitor"),
                "--user needs --password-env VAR or --password-file FILE");
        assertUsageError(Cli.run("check", "--stats", "http://lb:8404/stats", "--password-env", "X"),
                "--password-env and --password-file need --user");
        // '@file' is an argument like any other (picocli would read the file named after '@')
        assertUsageError(Cli.run("check", "@/dev/zero"), "unexpected argument");
        // the secret given where the variable's name belongs is not echoed
        Cli secretAsName = Cli.run("check", "--stats", "http://lb:8404/stats", "--user", "u", "--password-env",
                "S3cretPw!");
        assertUsageError(secretAsName, "--password-env: expects the name of an environment variable");
        assertThat(secretAsName.err()).doesNotContain("S3cretPw");
        assertUsageError(Cli.run("check", "--stats", "unix:/run/haproxy.sock", "--user", "u", "--password-env", "X"),
                "--user applies to the http(s) stats page only");
        assertUsageError(Cli.run("check", "--stats", "http://lb:8404/stats", "extra"), "unexpected argument");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--rules", "no-such-rules.yml"),
                "--rules: ");
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--no-presets"),
                "--no-presets needs --rules FILE");
        assertUsageError(Cli.run("check", "--stats", "http://lb:8404/stats", "--job", ""), "--job must not be empty");
        assertUsageError(Cli.run("check", "--stats", "http://lb:8404/stats", "--instance", ""),
                "--instance must not be empty");
    }

    @Test
    void secretsAreNeverEchoed() {
        Cli unknown = Cli.run("check", "--stats", "http://lb:8404/stats", "--password=hunter2");
        assertUsageError(unknown, "unknown option '--password'");
        assertThat(unknown.err()).doesNotContain("hunter2");

        Cli positional = Cli.run("check", "--stats", "http://lb:8404/stats", "--user", "u", "hunter2");
        assertThat(positional.code()).isEqualTo(2);
        assertThat(positional.err()).doesNotContain("hunter2");

        Cli inUrl = Cli.run("check", "--stats", "http://monitor:hunter2@lb:8404/stats");
        assertUsageError(inUrl, "--stats must not contain credentials");
        assertThat(inUrl.err()).doesNotContain("hunter2");

        Cli badUrl = Cli.run("check", "--stats", "http://monitor:hunter2@lb:8404/st ats");
        assertThat(badUrl.code()).isEqualTo(2);
        assertThat(badUrl.err()).doesNotContain("hunter2");
    }

    @Test
    void passwordSourcesMustExist(@TempDir Path dir) {
        Cli unset = Cli.run(Map.of(), "check", "--stats", "http://lb:8404/stats", "--user", "u",
                "--password-env", "TOCSIN_NOT_SET");
        assertUsageError(unset, "environment variable TOCSIN_NOT_SET is not set");

        Cli missing = Cli.run("check", "--stats", "http://lb:8404/stats", "--user", "u",
                "--password-file", dir.resolve("nope").toString());
        assertUsageError(missing, "--password-file: cannot read");

        Cli both = Cli.run(Map.of("P", "x"), "check", "--stats", "http://lb:8404/stats", "--user", "u",
                "--password-env", "P", "--password-file", dir.resolve("nope").toString());
        assertUsageError(both, "give either --password-env or --password-file, not both");
    }

    @Test
    void theStartupLineNamesTenRulesAtMost() {
        java.util.List<dev.tocsin.core.Rule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rules.add(dev.tocsin.core.Rule.alert("R" + i).expr("up == 0").build());
        }
        assertThat(WatchCommand.ruleNames(rules)).isEqualTo("R0, R1, R2, R3, R4, R5, R6, R7, R8, R9 and 2 more");
        assertThat(WatchCommand.ruleNames(rules.subList(0, 2))).isEqualTo("R0, R1");
    }

    @Test
    void unreachableHaproxyIsUnknown() throws Exception {
        int closed = LocalHaproxy.freePort();
        Cli r = Cli.run("check", "--stats", "http://127.0.0.1:" + closed + "/stats", "--timeout", "2s");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.firstLine()).startsWith("HAPROXY UNKNOWN - cannot read http://127.0.0.1:" + closed + "/stats: ");
        assertThat(r.out().lines()).hasSize(1);
        // a token in the query is not shown
        Cli token = Cli.run("check", "--stats", "http://127.0.0.1:" + closed + "/stats?token=SECRET123",
                "--timeout", "2s");
        assertThat(token.out() + token.err()).contains("/stats?token=...").doesNotContain("SECRET123");
    }

    @Test
    void aStatsPageWithoutOneReadableRowIsUnknownNotOk() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[][] csv = {"# pxname,svname,status,type\napp,BACKEND,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)};
        server.createContext("/stats", ex -> {
            ex.sendResponseHeaders(200, csv[0].length);
            ex.getResponseBody().write(csv[0]);
            ex.close();
        });
        server.start();
        try {
            Cli r = Cli.run("check", "--stats", "http://127.0.0.1:" + server.getAddress().getPort() + "/stats");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
            assertThat(r.firstLine()).startsWith("HAPROXY UNKNOWN - no backend read from http://127.0.0.1:");
            // an HAProxy with frontends only (stats enabled in a frontend) is fine
            csv[0] = "# pxname,svname,status,type\nfe,FRONTEND,OPEN,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Cli frontends = Cli.run("check", "--stats", "http://127.0.0.1:" + server.getAddress().getPort() + "/stats");
            assertThat(frontends.code()).as(frontends.out() + frontends.err()).isZero();
            assertThat(frontends.firstLine()).startsWith("HAPROXY OK - 0/0 backends UP");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableRuntimeApiSocketIsUnknown(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("none.sock");
        Files.deleteIfExists(socket);
        Cli r = Cli.run("check", "--stats", "unix:" + socket);

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.firstLine()).startsWith("HAPROXY UNKNOWN - cannot read unix:" + socket + ": ");
    }

    @Test
    void testRulesMirrorsPromtoolExitCodes() {
        Path suite = Path.of("../core/src/test/resources/dev/tocsin/core/rules/promtool");
        Cli pass = Cli.run("test-rules", suite.resolve("pass/backend-down.test.yml").toString());
        assertThat(pass.code()).as(pass.out() + pass.err()).isZero();
        assertThat(pass.out()).contains("SUCCESS");
        Cli fail = Cli.run("test-rules", suite.resolve("fail/wrong-annotation.test.yml").toString());
        assertThat(fail.code()).isEqualTo(1);
        assertThat(fail.out() + fail.err()).contains("FAILED");
    }

    @Test
    void testRulesRefusesAMissingFileBeforeTestingAnyLikePromtool() {
        Path suite = Path.of("../core/src/test/resources/dev/tocsin/core/rules/promtool");
        Cli r = Cli.run("test-rules", suite.resolve("pass/backend-down.test.yml").toString(), "nosuch.test.yml");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tocsin test-rules: error: path 'nosuch.test.yml' does not exist, try --help"
                + System.lineSeparator());
    }

    @Test
    void watchRejectsAMalformedRuleFileWithItsLine() throws Exception {
        Path dir = Files.createTempDirectory("tocsin-rules");
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n");
        Cli r = Cli.run("watch", "--stats", "http://lb:8404/stats", "--rules", file.toString());
        assertUsageError(r, "line 5");
    }

    @Test
    void alertmanagerOptionsThatContradictEachOtherAreUsageErrors(@TempDir Path dir) throws Exception {
        String stats = "http://lb:8404/stats";
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager-user", "u"),
                "the --alertmanager-* options need --alertmanager URL");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager-generator-url", "http://dash/"),
                "the --alertmanager-* options need --alertmanager URL");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-generator-url", "ftp://dash/"), "--alertmanager-generator-url must be an http or https");
        Cli linkWithPassword = Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-generator-url", "http://u:s3cret@dash/");
        assertUsageError(linkWithPassword, "--alertmanager-generator-url must not contain credentials");
        assertThat(linkWithPassword.err()).doesNotContain("s3cret");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-user", "u"), "--alertmanager-user needs --alertmanager-password-env VAR");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-password-env", "P"), "need --alertmanager-user");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-user", "u", "--alertmanager-password-env", "P", "--alertmanager-token-env", "T"),
                "give either basic authentication (--alertmanager-user) or a bearer token, not both");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-token-env", "T", "--alertmanager-token-file", "t"),
                "give either --alertmanager-token-env or --alertmanager-token-file, not both");
        // the variables come from the environment the command is given (PATH is set in any real one)
        assertUsageError(Cli.run(Map.of(), "watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-token-env", "PATH"), "environment variable PATH is not set");
        assertUsageError(Cli.run(Map.of("AM_TOKEN", ""), "watch", "--stats", stats, "--alertmanager",
                "http://am:9093", "--alertmanager-token-env", "AM_TOKEN"), "environment variable AM_TOKEN is empty");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-token-file", empty.toString()), "--alertmanager-token-file: " + empty + " is empty");
        assertUsageError(Cli.run(Map.of("AM_TOKEN", "a b"), "watch", "--stats", stats, "--alertmanager",
                "http://am:9093", "--alertmanager-token-env", "AM_TOKEN"), "--alertmanager-token-env: ");
        Cli leaky = Cli.run("watch", "--stats", stats, "--alertmanager", "http://u:s3cr3t@am :9093");
        assertUsageError(leaky, "--alertmanager is not a valid URL");
        assertThat(leaky.err()).doesNotContain("s3cr3t");
        Cli withUser = Cli.run("watch", "--stats", stats, "--alertmanager", "http://u:s3cr3t@am:9093");
        assertUsageError(withUser, "--alertmanager must not contain credentials");
        assertThat(withUser.err()).doesNotContain("s3cr3t");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "http://am:9093",
                "--alertmanager-ca-file", "ca.pem"), "--alertmanager-ca-file applies to https Alertmanagers only");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "https://am:9093",
                "--alertmanager-ca-file", notPem.toString()), "is not a PEM certificate file");
        assertUsageError(Cli.run("watch", "--stats", stats, "--alertmanager", "https://am:9093",
                "--alertmanager-ca-file", dir.resolve("missing.pem").toString()), "cannot read");
        assertUsageError(Cli.run("check", "--stats", stats, "--ca-file", notPem.toString()),
                "--ca-file applies to an https stats page only");
        assertUsageError(Cli.run("check", "--stats", "https://lb:8404/stats", "--ca-file", notPem.toString()),
                "--ca-file: " + notPem + " is not a PEM certificate file");
    }

    @Test
    void metricsCredentialOptionsAreCheckedAgainstTheEndpoints(@TempDir Path dir) throws Exception {
        String m = "http://lb:8405/metrics";
        assertUsageError(Cli.run("watch", "--stats", "http://lb:8404/stats", "--metrics-user", "u",
                "--metrics-password-env", "PW"), "options need --metrics URL");
        assertUsageError(Cli.run("watch", "--metrics", m, "--embedded-v2", "--metrics-user", "u"),
                "--metrics-user needs --metrics-password-env VAR or --metrics-password-file FILE");
        assertUsageError(Cli.run(Map.of("PW", "p", "T", "t"), "watch", "--metrics", m, "--embedded-v2",
                "--metrics-user", "u", "--metrics-password-env", "PW", "--metrics-token-env", "T"),
                "either basic authentication (--metrics-user) or a bearer token");
        Path pem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        assertUsageError(Cli.run("watch", "--metrics", m, "--embedded-v2", "--metrics-ca-file", pem.toString()),
                "--metrics-ca-file applies to https --metrics endpoints only");
        assertUsageError(Cli.run("watch", "--metrics", "https://lb:8405/metrics", "--embedded-v2",
                "--metrics-ca-file", pem.toString()), "is not a PEM certificate file");
        Cli missing = Cli.run("watch", "--metrics", m, "--embedded-v2", "--metrics-token-env", "NOPE");
        assertUsageError(missing, "NOPE");
        // checked before the rule file is read: no line about a skipped rule before the usage error
        Path rules = Files.writeString(dir.resolve("rules.yml"), String.join("\n",
                "groups:",
                "  - name: g",
                "    rules:",
                "      - alert: At",
                "        expr: up @ 100 == 0",
                ""));
        assertUsageError(Cli.run("watch", "--metrics", m, "--rules", rules.toString(), "--metrics-user", "u"),
                "--metrics-user needs");
        assertUsageError(Cli.run("watch", "--metrics", m, "--embedded-v2", "--user", "u"),
                "--metrics-user, --metrics-password-*, --metrics-token-* and --metrics-ca-file its credentials");
    }

    @Test
    void watchReadsAMetricsEndpointThatAsksForBasicAuth(@TempDir Path dir) throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(
                "monitor:s3cr3t-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        server.createContext("/metrics", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seen.add(String.valueOf(auth));
            byte[] body = (expected.equals(auth) ? "demo_backend_up{backend=\"app\"} 0\n" : "denied\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(expected.equals(auth) ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            Path rules = Cli.demoRules(dir);
            Path pw = Files.writeString(dir.resolve("pw"), "s3cr3t-pw\n");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
            Cli r = Cli.run("watch", "--metrics", url, "--metrics-user", "monitor", "--metrics-password-file",
                    pw.toString(), "--rules", rules.toString(), "--interval", "200ms", "--max-duration", "1s");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(seen).isNotEmpty().allMatch(expected::equals);
            assertThat(r.out()).contains(" FIRING DemoBackendDown{");
            assertThat(r.out() + r.err()).doesNotContain("s3cr3t-pw").doesNotContain(expected.substring(6));
        } finally {
            server.stop(0);
        }
    }

    private static void assertUsageError(Cli r, String message) {
        assertThat(r.code()).as("exit code").isEqualTo(2);
        assertThat(r.out()).as("stdout").isEmpty();
        assertThat(r.err().lines()).as("stderr lines").hasSize(1);
        assertThat(r.err()).contains(message);
    }
}
