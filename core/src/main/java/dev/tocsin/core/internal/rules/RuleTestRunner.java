package dev.tocsin.core.internal.rules;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.TocsinParseException;
import dev.tocsin.core.internal.DefaultEvaluator;
import dev.tocsin.core.internal.expr.PromDuration;
import dev.tocsin.core.rules.AlertCheck;
import dev.tocsin.core.rules.RuleGroup;
import dev.tocsin.core.rules.RuleFileException;
import dev.tocsin.core.rules.RuleFiles;
import dev.tocsin.core.rules.RuleGroups;
import dev.tocsin.core.rules.RuleTestResult;
import dev.tocsin.core.rules.SkippedRule;
import dev.tocsin.core.rules.TestGroupResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Runs one promtool rule unit test file against a real {@link Evaluator}, as {@code promtool test rules} does. */
public final class RuleTestRunner {

    /** The most evaluations one test group may need. */
    static final long MAX_EVALUATIONS = 1_000_000;

    /** The most input values one test (one item of {@code tests}) may give, all its series together. */
    static final long MAX_TEST_VALUES = 10_000_000;

    private static final Set<String> FILE_KEYS = Set.of("rule_files", "evaluation_interval", "group_eval_order",
            "tests");
    private static final Set<String> GROUP_KEYS = Set.of("interval", "input_series", "alert_rule_test",
            "promql_expr_test", "external_labels", "external_url", "name");
    private static final Set<String> SERIES_KEYS = Set.of("series", "values");
    private static final Set<String> ALERT_TEST_KEYS = Set.of("eval_time", "alertname", "exp_alerts");
    private static final Set<String> EXP_ALERT_KEYS = Set.of("exp_labels", "exp_annotations");
    private static final Set<String> PROMQL_TEST_KEYS = Set.of("expr", "eval_time", "exp_samples");
    private static final Set<String> SAMPLE_KEYS = Set.of("labels", "value");

    /** A test-file problem, reported as promtool reports it (one failure of the file or of a test group). */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private record Expected(TreeMap<String, String> labels, TreeMap<String, String> annotations) {
    }

    private record AlertTest(Duration evalTime, String alertname, List<Expected> expected) {
    }

    private RuleTestRunner() {
    }

    /** Runs the file; never throws for bad input. */
    public static RuleTestResult run(Path file) {
        String name = file.toString();
        List<String> warnings = new ArrayList<>();
        try {
            return runChecked(file, name, warnings);
        } catch (Failure e) {
            return new RuleTestResult(name, warnings, List.of(e.getMessage()), List.of());
        } catch (TocsinParseException e) {
            return new RuleTestResult(name, warnings, List.of(e.getMessage()), List.of());
        } catch (java.io.UncheckedIOException e) {
            // a rule file that cannot be read
            return new RuleTestResult(name, warnings, List.of(e.getMessage()), List.of());
        }
    }

    private static RuleTestResult runChecked(Path file, String name, List<String> warnings) throws Failure {
        String text = read(file);
        YamlNode root;
        try {
            root = YamlTree.parse(text);
        } catch (YamlTree.SyntaxError e) {
            throw new RuleFileException(name, e.line(), e.column(), "", "", e.getMessage());
        }
        if (root.isNull()) {
            return new RuleTestResult(name, warnings, List.of(), List.of());
        }
        map(root, "main.unitTestFile");
        checkKeys(root, FILE_KEYS, "main.unitTestFile");
        Duration evalInterval = duration(root, "evaluation_interval", Duration.ofMinutes(1));
        if (evalInterval.isZero()) {
            evalInterval = Duration.ofMinutes(1);
        }
        // rule files, relative to the test file
        Path dir = file.toAbsolutePath().getParent();
        List<Path> ruleFiles = new ArrayList<>();
        for (YamlNode p : list(root, "rule_files")) {
            String pattern = scalar(p, "rule_files entry");
            List<Path> matches = glob(dir, pattern);
            if (matches.isEmpty()) {
                warnings.add("  WARNING: no file match pattern " + pattern);
            }
            ruleFiles.addAll(matches);
        }
        // promtool evaluates the groups in group_eval_order (groups not listed first), each group's rules in file order
        Map<String, Integer> groupOrder = new HashMap<>();
        List<YamlNode> order = list(root, "group_eval_order");
        for (int i = 0; i < order.size(); i++) {
            String group = scalar(order.get(i), "group_eval_order entry");
            if (groupOrder.putIfAbsent(group, i) != null) {
                throw new Failure("group name repeated in evaluation order: " + group);
            }
        }
        List<YamlNode> tests = list(root, "tests");
        if (tests.isEmpty()) {
            return new RuleTestResult(name, warnings, List.of(), List.of()); // promtool loads no rule file then
        }
        List<RuleGroup> groups = new ArrayList<>();
        Map<String, String> skipped = new HashMap<>();
        try {
            for (Path m : ruleFiles) {
                RuleGroups g = RuleFiles.load(m, RuleFiles.Options.skippingUnsupported());
                groups.addAll(g.groups());
                for (SkippedRule s : g.skipped()) {
                    skipped.putIfAbsent(s.name(), s.reason());
                }
            }
        } catch (TocsinParseException | java.io.UncheckedIOException e) {
            // promtool loads the rule files for each test group, and reports the error once for each
            return new RuleTestResult(name, warnings, java.util.Collections.nCopies(tests.size(), e.getMessage()),
                    List.of());
        }
        groups.sort(Comparator.comparingInt(g -> groupOrder.getOrDefault(g.name(), 0)));
        RuleGroups rules = new RuleGroups(name, groups, List.of());
        List<TestGroupResult> results = new ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            results.add(runGroup(i, tests.get(i), rules, skipped, evalInterval));
        }
        return new RuleTestResult(name, warnings, List.of(), results);
    }

    private static TestGroupResult runGroup(int index, YamlNode g, RuleGroups rules, Map<String, String> skipped,
                                            Duration evalInterval) {
        String testName = "";
        try {
            map(g, "main.testGroup");
            checkKeys(g, GROUP_KEYS, "main.testGroup");
            testName = optScalar(g, "name", "");
            Duration interval = duration(g, "interval", Duration.ZERO);
            if (interval.isZero()) {
                interval = evalInterval;
            }
            TestSeriesSource source = new TestSeriesSource(interval.toMillis());
            long values = 0;
            for (YamlNode s : list(g, "input_series")) {
                map(s, "main.series");
                checkKeys(s, SERIES_KEYS, "main.series");
                try {
                    Labels labels = SeriesNotation.parseSeries(optScalar(s, "series", ""));
                    SeriesNotation.Values v = SeriesNotation.parseValues(optScalar(s, "values", ""));
                    values += v.size();
                    if (values > MAX_TEST_VALUES) {
                        // each series is capped; their sum too, or a short file of long series fills the heap
                        throw new TocsinParseException("values", 0, 0, "more than " + MAX_TEST_VALUES
                                + " values in the input series of one test");
                    }
                    source.add(labels, v);
                } catch (TocsinParseException e) {
                    // where in the file: the column alone is within the series or values text
                    throw new TocsinParseException("input series at line " + s.line() + " of the test file, "
                            + e.input(), 0, e.column(), e.detail());
                }
            }
            List<AlertTest> alertTests = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (YamlNode a : list(g, "alert_rule_test")) {
                map(a, "main.alertTestCase");
                checkKeys(a, ALERT_TEST_KEYS, "main.alertTestCase");
                Duration t = duration(a, "eval_time", Duration.ZERO);
                String alertname = optScalar(a, "alertname", "");
                if (alertname.isEmpty()) {
                    throw new Failure("an item under alert_rule_test misses required attribute alertname at "
                            + "eval_time " + PromDuration.format(t));
                }
                List<Expected> exp = new ArrayList<>();
                for (YamlNode e : list(a, "exp_alerts")) {
                    map(e, "main.alert");
                    checkKeys(e, EXP_ALERT_KEYS, "main.alert");
                    TreeMap<String, String> labels = stringMap(e, "exp_labels");
                    labels.put("alertname", alertname);
                    exp.add(new Expected(labels, stringMap(e, "exp_annotations")));
                }
                alertTests.add(new AlertTest(t, alertname, exp));
                if (skipped.containsKey(alertname)) {
                    errors.add("    alertname: " + alertname + ", time: " + PromDuration.format(t)
                            + ": Tocsin did not load this rule: " + skipped.get(alertname));
                }
            }
            List<PromqlChecks.Prepared> promqlTests = new ArrayList<>();
            for (YamlNode q : list(g, "promql_expr_test")) {
                map(q, "main.promqlTestCase");
                checkKeys(q, PROMQL_TEST_KEYS, "main.promqlTestCase");
                List<YamlNode> samples = list(q, "exp_samples");
                for (YamlNode smp : samples) {
                    map(smp, "main.sample");
                    checkKeys(smp, SAMPLE_KEYS, "main.sample");
                }
                promqlTests.add(new PromqlChecks.Prepared(optScalar(q, "expr", ""),
                        duration(q, "eval_time", Duration.ZERO), samples));
            }
            TreeMap<String, String> ext = stringMap(g, "external_labels");
            String externalUrl = optScalar(g, "external_url", "");
            List<AlertCheck> checks = evaluate(testName, rules, source, alertTests, promqlTests, evalInterval, ext,
                    externalUrl, errors);
            return new TestGroupResult(index, testName, checks, errors);
        } catch (Failure e) {
            return new TestGroupResult(index, testName, List.of(), List.of(e.getMessage()));
        } catch (TocsinParseException e) {
            return new TestGroupResult(index, testName, List.of(), List.of(e.getMessage()));
        }
    }

    /**
     * Steps the evaluator as promtool does, checks the alert tests after their evaluation and runs the promql tests
     * at their eval_time; a rule evaluation error ends the run (promql tests are then not reported), as in promtool.
     */
    private static List<AlertCheck> evaluate(String testName, RuleGroups rules, TestSeriesSource source,
                                             List<AlertTest> alertTests, List<PromqlChecks.Prepared> promqlTests,
                                             Duration evalInterval, Map<String, String> ext, String externalUrl,
                                             List<String> errors) throws Failure {
        long step = evalInterval.toMillis();
        long maxt = 0;
        TreeMap<Long, List<AlertTest>> byTime = new TreeMap<>();
        for (AlertTest a : alertTests) {
            long t = a.evalTime().toMillis();
            maxt = Math.max(maxt, t);
            byTime.computeIfAbsent(t, k -> new ArrayList<>()).add(a);
        }
        TreeMap<Long, List<Integer>> queriesByTime = new TreeMap<>();
        for (int i = 0; i < promqlTests.size(); i++) {
            long t = promqlTests.get(i).evalTime.toMillis();
            maxt = Math.max(maxt, t);
            queriesByTime.computeIfAbsent(t, k -> new ArrayList<>()).add(i);
        }
        String[] queryFailures = new String[promqlTests.size()];
        if (maxt / step > MAX_EVALUATIONS) {
            throw new Failure("    Tocsin evaluates at most " + MAX_EVALUATIONS + " times per test; eval_time "
                    + PromDuration.format(Duration.ofMillis(maxt)) + " needs more at evaluation_interval "
                    + PromDuration.format(evalInterval));
        }
        Labels externalLabels;
        try {
            externalLabels = Labels.of(ext);
        } catch (IllegalArgumentException e) {
            throw new Failure("    invalid external_labels: " + e.getMessage());
        }
        List<AlertCheck> checks = new ArrayList<>();
        Evaluator.Builder b = Evaluator.builder()
                .source(source)
                .interval(evalInterval)
                .externalLabels(externalLabels)
                .externalUrl(externalUrl)
                .holdOnSourceFailure(false);
        // promtool evaluates every group at the test's evaluation_interval, whatever the group's own interval
        List<dev.tocsin.core.rules.RuleGroup> unpaced = new ArrayList<>();
        for (dev.tocsin.core.rules.RuleGroup g : rules.groups()) {
            unpaced.add(new dev.tocsin.core.rules.RuleGroup(g.name(), java.time.Duration.ZERO, g.labels(), g.limit(),
                    g.alertingRules(), g.recordingRules(), g.rulesInFileOrder()));
        }
        b.ruleGroups(new dev.tocsin.core.rules.RuleGroups(rules.file(), unpaced, rules.skipped()));
        try (Evaluator ev = b.build()) {
            DefaultEvaluator de = (DefaultEvaluator) ev;
            promqlTests.forEach(q -> q.expression().ifPresent(de::retainHistoryFor));
            source.loadUntil(maxt / step * step);
            // promtool's test storage holds the input series and what the recording rules write: a second sample
            // of a series at one time with another value is refused ("duplicate sample for timestamp"), which
            // fails that rule's evaluation
            Map<Labels, Long> writtenNow = new HashMap<>();
            Map<String, String> duplicates = new LinkedHashMap<>();
            de.observeRecorded((rule, labels, time, value) -> {
                long bits = Double.doubleToRawLongBits(value);
                java.util.OptionalLong input = source.valueBitsAt(labels, time);
                Long before = writtenNow.put(labels, bits);
                if ((input.isPresent() && input.getAsLong() != bits) || (before != null && before != bits)) {
                    duplicates.putIfAbsent(rule, "duplicate sample for timestamp");
                }
            });
            for (long ts = 0; ts <= maxt; ts += step) {
                source.setNow(ts);
                writtenNow.clear();
                duplicates.clear();
                ev.evaluate(Instant.ofEpochMilli(ts));
                List<Map.Entry<String, String>> evalErrors = new ArrayList<>(de.lastEvaluationErrors());
                evalErrors.addAll(duplicates.entrySet());
                if (!evalErrors.isEmpty()) {
                    for (Map.Entry<String, String> e : evalErrors) {
                        errors.add("    rule: " + e.getKey() + ", time: " + goDuration(ts) + ", err: "
                                + e.getValue());
                    }
                    return checks;
                }
                // an eval_time is checked against the last evaluation at or before it
                Map<Long, List<AlertTest>> due = byTime.subMap(ts, true, ts + step, false);
                for (List<AlertTest> list : due.values()) {
                    for (AlertTest a : list) {
                        checks.add(check(testName, a, ev.alerts()));
                    }
                }
                // a promql test is an instant query at its eval_time, after the evaluations up to it
                for (Map.Entry<Long, List<Integer>> e : queriesByTime.subMap(ts, true, ts + step, false).entrySet()) {
                    source.setNow(e.getKey());
                    Instant at = Instant.ofEpochMilli(e.getKey());
                    for (int i : e.getValue()) {
                        queryFailures[i] = PromqlChecks.check(promqlTests.get(i), x -> de.query(x, at));
                    }
                }
            }
        }
        for (String f : queryFailures) {
            if (f != null) {
                errors.add(f);
            }
        }
        return checks;
    }

    /** Go's time.Duration String() for a non-negative number of milliseconds, e.g. {@code 0s}, {@code 1m30s}. */
    static String goDuration(long ms) {
        if (ms == 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long sec = ms / 1000 % 60;
        long frac = ms % 1000;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        sb.append(sec);
        if (frac > 0) {
            String f = String.format("%03d", frac).replaceAll("0+$", "");
            sb.append('.').append(f);
        }
        return sb.append('s').toString();
    }

    private static AlertCheck check(String testName, AlertTest a, List<Alert> alerts) {
        List<Expected> got = new ArrayList<>();
        for (Alert al : alerts) {
            if (al.state() == AlertState.FIRING && al.ruleName().equals(a.alertname())) {
                got.add(new Expected(new TreeMap<>(al.labels().asMap()), new TreeMap<>(al.annotations())));
            }
        }
        List<Expected> exp = new ArrayList<>(a.expected());
        Comparator<Expected> order = (x, y) -> {
            int c = compare(x.labels(), y.labels());
            return c != 0 ? c : compare(x.annotations(), y.annotations());
        };
        got.sort(order);
        exp.sort(order);
        if (got.equals(exp)) {
            return new AlertCheck(a.alertname(), a.evalTime(), true, "");
        }
        String msg = (testName.isEmpty() ? "" : "    name: " + testName + ",\n")
                + "    alertname: " + a.alertname() + ", time: " + PromDuration.format(a.evalTime()) + ", \n"
                + "        exp:" + indentLines(format(exp), "            ") + ", \n"
                + "        got:" + indentLines(format(got), "            ");
        return new AlertCheck(a.alertname(), a.evalTime(), false, msg);
    }

    /** Prometheus's labels.Compare on sorted maps. */
    static int compare(TreeMap<String, String> a, TreeMap<String, String> b) {
        var ia = a.entrySet().iterator();
        var ib = b.entrySet().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            var x = ia.next();
            var y = ib.next();
            int c = x.getKey().compareTo(y.getKey());
            if (c != 0) {
                return c;
            }
            c = x.getValue().compareTo(y.getValue());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String format(List<Expected> la) {
        if (la.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[\n0:").append(indentLines("\n" + format(la.get(0)), "  "));
        for (int i = 1; i < la.size(); i++) {
            sb.append(",\n").append(i).append(':').append(indentLines("\n" + format(la.get(i)), "  "));
        }
        return sb.append("\n]").toString();
    }

    private static String format(Expected e) {
        return "Labels:" + format(e.labels()) + "\nAnnotations:" + format(e.annotations());
    }

    /** Prometheus's labels.String(): {@code {a="b", c="d"}} with Go-quoted values. */
    static String format(TreeMap<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=').append(goQuote(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** Go's {@code strconv.Quote}, as promtool prints label values and expressions. */
    static String goQuote(String s) {
        return dev.tocsin.core.internal.template.GoFmt.quote(s);
    }

    /** promtool's indentLines: every line but the first gets the indent. */
    private static String indentLines(String lines, String indent) {
        String[] n = lines.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n.length; i++) {
            if (i > 0) {
                sb.append(indent);
            }
            sb.append(n[i]);
            if (i != n.length - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static List<Path> glob(Path dir, String pattern) throws Failure {
        Path p = dir.resolve(pattern);
        String last = p.getFileName() == null ? "" : p.getFileName().toString();
        if (last.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
            return Files.exists(p) ? List.of(p) : List.of();
        }
        Path parent = p.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return List.of();
        }
        TreeSet<Path> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, last)) {
            ds.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            throw new Failure("cannot list rule files " + pattern + ": " + e.getMessage());
        }
        return new ArrayList<>(out);
    }

    private static String read(Path file) throws Failure {
        try {
            byte[] bytes = dev.tocsin.core.internal.BoundedFiles.read(file, RuleFiles.MAX_FILE_BYTES);
            if (bytes == null) {
                throw new Failure(file + ": file is larger than " + RuleFiles.MAX_FILE_BYTES + " bytes");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Failure(file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new Failure("open " + file + ": " + ioReason(e));
        }
    }

    /**
     * Returns why a file could not be read, in Go's words where Go has them ({@code no such file or directory},
     * {@code permission denied}): Java's messages for these are the bare path.
     *
     * @param e the failure
     * @return the reason, never empty
     */
    public static String ioReason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    // --- YAML helpers, with promtool's (yaml.v2 strict) wording ---

    private static void map(YamlNode n, String type) throws Failure {
        if (n.kind() != YamlNode.Kind.MAP) {
            throw new Failure("yaml: unmarshal errors:\n  line " + n.line() + ": cannot unmarshal "
                    + n.describe() + " into " + type);
        }
    }

    private static void checkKeys(YamlNode n, Set<String> allowed, String type) throws Failure {
        for (String k : n.map().keySet()) {
            if (!allowed.contains(k)) {
                throw new Failure("yaml: unmarshal errors:\n  line " + n.keyPosition(k)[0] + ": field " + k
                        + " not found in type " + type);
            }
        }
    }

    private static List<YamlNode> list(YamlNode m, String key) throws Failure {
        YamlNode v = m.map().get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.kind() != YamlNode.Kind.LIST) {
            throw new Failure("yaml: unmarshal errors:\n  line " + v.line() + ": '" + key
                    + "' must be a sequence, found " + v.describe());
        }
        return v.list();
    }

    private static String scalar(YamlNode v, String what) throws Failure {
        if (v.kind() != YamlNode.Kind.SCALAR) {
            throw new Failure("yaml: unmarshal errors:\n  line " + v.line() + ": " + what + " must be a string, found "
                    + v.describe());
        }
        return v.text();
    }

    private static String optScalar(YamlNode m, String key, String dflt) throws Failure {
        YamlNode v = m.map().get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        return scalar(v, "'" + key + "'");
    }

    private static Duration duration(YamlNode m, String key, Duration dflt) throws Failure {
        YamlNode v = m.map().get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        try {
            return PromDuration.parse(scalar(v, "'" + key + "'"));
        } catch (IllegalArgumentException e) {
            throw new Failure("yaml: line " + v.line() + ": " + e.getMessage());
        }
    }

    private static TreeMap<String, String> stringMap(YamlNode m, String key) throws Failure {
        YamlNode v = m.map().get(key);
        TreeMap<String, String> out = new TreeMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        map(v, "map[string]string");
        for (Map.Entry<String, YamlNode> e : v.map().entrySet()) {
            out.put(e.getKey(), e.getValue().isNull() ? "" : scalar(e.getValue(), "'" + e.getKey() + "'"));
        }
        return out;
    }

}
