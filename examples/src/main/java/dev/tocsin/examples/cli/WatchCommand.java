package dev.tocsin.examples.cli;

import dev.tocsin.core.Alert;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Rule;
import dev.tocsin.core.notify.AlertmanagerNotifier;
import dev.tocsin.core.rules.RuleFileException;
import dev.tocsin.core.rules.RuleFiles;
import dev.tocsin.core.rules.RuleGroups;
import dev.tocsin.core.rules.SkippedRule;
import dev.tocsin.haproxy.HaproxyRules;
import dev.tocsin.haproxy.HaproxySource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code tocsin watch}: evaluates the HAProxy preset rules every interval and prints each alert transition. */
@Command(name = "watch",
        description = {"Watch an HAProxy with the rules HaproxyDown, HaproxyBackendDown and HaproxyServerDown and print"
                + " every alert transition (PENDING, FIRING, RESOLVED) as it happens. Ctrl-C stops it."},
        sortOptions = false,
        footer = {"", "Output: one line per transition on stdout (with --json one JSON object per line); progress and"
                + " errors on stderr.",
                "Exit codes: 0 stopped normally, 1 failed while running, 2 bad arguments.",
                "Example: tocsin watch --stats http://127.0.0.1:8404/stats --interval 5s"})
final class WatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StatsOptions stats;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often to read HAProxy and evaluate the rules (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Mixin
    AlertmanagerOptions alerting;

    @Mixin
    MetricsAuthOptions metricsAuth;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "A Prometheus rule file whose alerting and recording rules are evaluated as well, in file"
                    + " order (rules using PromQL Tocsin cannot run are listed on stderr and left out).")
    Path rules;

    @Option(names = "--no-presets", description = "With --rules: evaluate only the file's rules, not the presets"
            + " HaproxyDown, HaproxyBackendDown and HaproxyServerDown.")
    boolean noPresets;

    @Option(names = "--metrics", paramLabel = "URL",
            description = "Also (or, with --rules or --embedded-v2, instead of --stats) read this Prometheus text"
                    + " endpoint, e.g. HAProxy's own exporter http://HOST:PORT/metrics; repeat for several. Its series"
                    + " get instance HOST:PORT and the job of --metrics-job.")
    List<String> metrics = new ArrayList<>();

    @Option(names = "--metrics-job", paramLabel = "LABEL", defaultValue = "haproxy",
            description = "The job label of the --metrics endpoints' series (default: ${DEFAULT-VALUE}).")
    String metricsJob = "haproxy";

    @Option(names = "--embedded-v2",
            description = "Also evaluate the embedded-exporter-v2 rule pack (with its runbooks) on --metrics.")
    boolean embeddedV2;

    @Option(names = "--external-label", paramLabel = "NAME=VALUE",
            description = "A label added to every alert sent to the Alertmanagers (unless the alert has it) and seen"
                    + " as $externalLabels in templates, as Prometheus' global external_labels; repeat for several.")
    List<String> externalLabels = new ArrayList<>();

    @Option(names = "--json", description = "Print each transition as one JSON object per line.")
    boolean json;

    @Option(names = "--max-duration", paramLabel = "DURATION", hidden = true, converter = DurationConverter.class,
            description = "Stop after this long (for tests).")
    Duration maxDuration;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (stats.stats == null && metrics.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, "give --stats URL (HAProxy's statistics), --metrics URL"
                    + " (a Prometheus text endpoint), or both");
        }
        if (stats.stats == null && (stats.user != null || stats.passwordEnv != null || stats.passwordFile != null
                || stats.caFile != null || stats.instance != null || cmd.getParseResult().hasMatchedOption("--job"))) {
            throw new CommandLine.ParameterException(cmd, "--user, --password-*, --ca-file, --instance and --job apply"
                    + " to --stats, which is not given (--metrics-job sets the job of --metrics, --metrics-user,"
                    + " --metrics-password-*, --metrics-token-* and --metrics-ca-file its credentials)");
        }
        if (embeddedV2 && metrics.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, "--embedded-v2 needs --metrics URL (HAProxy's own exporter)");
        }
        if (embeddedV2 && stats.stats != null) {
            // the pack's expressions read names the CSV source gives too (with backend, not proxy, labels)
            throw new CommandLine.ParameterException(cmd, "--embedded-v2 runs on --metrics only: its rules would also"
                    + " read the same metric names from --stats; run it in a watch without --stats");
        }
        if (metricsJob == null || metricsJob.isBlank()) {
            throw new CommandLine.ParameterException(cmd, "--metrics-job must not be empty");
        }
        if (stats.stats == null && rules == null && !embeddedV2) {
            throw new CommandLine.ParameterException(cmd, "--metrics without --stats needs --rules FILE or"
                    + " --embedded-v2 (the HAProxy presets read --stats)");
        }
        if (noPresets && rules == null && !embeddedV2) {
            throw new CommandLine.ParameterException(cmd, "--no-presets needs --rules FILE (there would be no rule)");
        }
        // the --metrics endpoints and their credential options, before anything prints or reads a secret
        List<java.net.URI> metricsUris = new ArrayList<>();
        for (String m : metrics) {
            metricsUris.add(metricsUri(cmd, m));
        }
        metricsAuth.check(cmd, metricsUris);
        List<Rule> fromFile = new ArrayList<>();
        RuleGroups loaded = null;
        if (rules != null) {
            try {
                loaded = RuleFiles.load(rules, RuleFiles.Options.skippingUnsupported());
                fromFile.addAll(loaded.rules());
                for (SkippedRule s : loaded.skipped()) {
                    cmd.getErr().println("tocsin watch: " + rules + ":" + s.line() + ": rule " + s.name()
                            + " left out: " + s.reason());
                }
            } catch (RuleFileException | java.io.UncheckedIOException e) {
                // a bad or unreadable rule file is a usage error: one line, exit 2
                throw new CommandLine.ParameterException(cmd, "--rules: " + e.getMessage());
            }
        }
        dev.tocsin.core.Labels external = externalLabels(cmd, externalLabels);
        List<dev.tocsin.core.MetricSource> sources = new ArrayList<>();
        List<String> described = new ArrayList<>();
        if (stats.stats != null) {
            sources.add(stats.buildSource(cmd, interval));
            described.add(stats.describe());
        }
        java.util.Map<String, String> targets = new java.util.HashMap<>();
        if (stats.stats != null) {
            targets.put(((HaproxySource) sources.get(0)).instance() + "\u0000" + stats.job, "--stats");
        }
        for (String m : metrics) {
            dev.tocsin.core.source.PrometheusTextSource source = metricsSource(cmd, m);
            String shown = dev.tocsin.core.internal.Urls.describe(m.trim());
            // as in Prometheus, two targets of one job need different instances
            String other = targets.putIfAbsent(source.instance() + "\u0000" + metricsJob, shown);
            if (other != null) {
                throw new CommandLine.ParameterException(cmd, "--metrics " + shown + " and " + other + " would both"
                        + " be instance \"" + source.instance() + "\" of job \"" + metricsJob + "\": give --metrics-job"
                        + " another job (e.g. haproxy-exporter) or read one of them only");
            }
            sources.add(source);
            described.add(shown);
        }
        AlertmanagerNotifier notifier = alerting.build(cmd, external);
        PrintWriter out = cmd.getOut();
        PrintWriter err = cmd.getErr();
        List<Rule> presets = new ArrayList<>(noPresets || stats.stats == null ? List.of()
                : HaproxyRules.availability());
        List<Rule> v2 = embeddedV2 ? HaproxyRules.embeddedV2() : List.of();
        presets.addAll(v2);
        java.util.Set<String> v2Names = new java.util.HashSet<>();
        v2.forEach(r -> v2Names.add(r.name()));
        for (Rule r : fromFile) {
            if (presets.stream().anyMatch(p -> p.name().equals(r.name()))) {
                err.println("tocsin watch: rule " + r.name() + " of " + rules + " has the name of a preset: both run"
                        + " and their alerts look alike; " + (v2Names.contains(r.name())
                        ? "leave out --embedded-v2 to run only the file's rules"
                        : "--no-presets runs only the file's rules"));
            }
        }
        Evaluator.Builder builder = Evaluator.builder();
        sources.forEach(builder::source);
        builder.rules(presets)
                .interval(interval)
                .externalLabels(external)
                .listener(alert -> print(out, alert));
        if (loaded != null) {
            // alerting and recording rules in file order, with the groups' limits
            builder.ruleGroups(loaded);
            presets.addAll(fromFile);
        }
        if (notifier != null) {
            builder.notifier(notifier);
        }
        Evaluator evaluator;
        try {
            evaluator = builder.build();
        } catch (RuntimeException e) {
            if (notifier != null) {
                notifier.close();
            }
            if (e instanceof IllegalArgumentException) {
                // a combination of options the evaluator refuses (two sources of one instance and job, say)
                throw new CommandLine.ParameterException(cmd, String.valueOf(e.getMessage()));
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            evaluator.close();
            stopped.countDown();
        }, "tocsin-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            err.println("tocsin watch: reading " + String.join(" and ", described) + " every "
                    + DurationConverter.format(interval)
                    + " with rules " + ruleNames(presets)
                    + (alerting.count() == 0 ? "" : ", sending to " + alerting.count() + " Alertmanager(s)")
                    + "; Ctrl-C stops");
            err.flush();
            evaluator.start();
            if (maxDuration != null) {
                stopped.await(maxDuration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stopped.await();
            }
        } catch (InterruptedException e) {
            // interrupted by the embedding program: a normal stop
            Thread.currentThread().interrupt();
        } finally {
            evaluator.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook has closed the evaluator
            }
        }
        return 0;
    }

    /** The rules' names for the startup line: the first ten, then how many more (a rule file may hold thousands). */
    static String ruleNames(List<? extends Rule> rules) {
        String first = rules.stream().limit(10).map(Rule::name).collect(Collectors.joining(", "));
        return rules.size() <= 10 ? first : first + " and " + (rules.size() - 10) + " more";
    }

    private void print(PrintWriter out, Alert alert) {
        String text = json ? AlertText.json(alert)
                : AlertText.transitionTime(alert).truncatedTo(ChronoUnit.MILLIS) + " " + AlertText.line(alert);
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    /**
     * Parses one {@code --metrics} URL: http(s), without user info (credentials come from the {@code --metrics-*}
     * options); the message of a bad one never quotes it.
     */
    private static java.net.URI metricsUri(CommandLine cmd, String text) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(text.trim());
        } catch (java.net.URISyntaxException e) {
            // the text may hold credentials: not echoed
            throw new CommandLine.ParameterException(cmd, "--metrics is not a valid URL (" + e.getReason() + ")");
        }
        try {
            return dev.tocsin.core.internal.Urls.checkHttp("--metrics", uri,
                    "use --metrics-user with --metrics-password-env or --metrics-password-file");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    /**
     * Builds the source of one {@code --metrics} URL, with the {@code --metrics-*} credentials and trust store, read
     * with the {@code --timeout} of the stats options (connect: the smaller of it and 2 s).
     */
    private dev.tocsin.core.source.PrometheusTextSource metricsSource(CommandLine cmd, String text) {
        java.net.URI uri = metricsUri(cmd, text);
        try {
            Duration connect = stats.timeout.compareTo(Duration.ofSeconds(2)) < 0 ? stats.timeout
                    : Duration.ofSeconds(2);
            dev.tocsin.core.source.PrometheusTextSource.Builder b = dev.tocsin.core.source.PrometheusTextSource
                    .builder(uri).job(metricsJob).readTimeout(stats.timeout).connectTimeout(connect);
            metricsAuth.apply(cmd, uri, b);
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    /**
     * Parses the {@code --external-label NAME=VALUE} options: a Prometheus label name (not starting with
     * {@code __}), a non-empty value, each name once.
     */
    static dev.tocsin.core.Labels externalLabels(CommandLine cmd, List<String> options) {
        dev.tocsin.core.Labels.Builder b = dev.tocsin.core.Labels.builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            String name = eq < 0 ? o : o.substring(0, eq);
            if (eq < 0 || !name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || name.startsWith("__")) {
                throw new CommandLine.ParameterException(cmd, "--external-label takes NAME=VALUE with a label name"
                        + " ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got '" + o + "'");
            }
            if (eq == o.length() - 1) {
                throw new CommandLine.ParameterException(cmd, "--external-label " + name + "= has an empty value");
            }
            if (!seen.add(name)) {
                throw new CommandLine.ParameterException(cmd, "--external-label " + name + " is given twice");
            }
            b.put(name, o.substring(eq + 1));
        }
        return b.build();
    }
}
