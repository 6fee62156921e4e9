package dev.tocsin.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code tocsin} command line: {@code tocsin watch}, {@code tocsin check} and {@code tocsin test-rules}. See
 * {@code docs/cli.md}.
 *
 * <p>Exit codes: 0 success, 2 bad arguments (one line on stderr), and for {@code check} the Nagios plugin codes
 * (1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
@Command(name = "tocsin",
        description = "Backend health alerting for HAProxy with Prometheus alert rules.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {WatchCommand.class, CheckCommand.class, TestRulesCommand.class},
        footer = {"", "Run 'tocsin COMMAND --help' for a command's options. Documentation: docs/cli.md."})
public final class Main implements Runnable {

    /** Exit code of bad arguments. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private Main() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: watch, check or test-rules");
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // test-rules and check report failures in their own output (as promtool and a monitoring plugin do):
            // no log lines besides; watch logs warnings
            boolean quiet = args.length > 0 && (args[0].equals("test-rules") || args[0].equals("check"));
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", quiet ? "error" : "warn");
        }
        if (System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
            // log lines carry the UTC time, as watch's transitions do, so that the two can be lined up
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        }
        Charset cs = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true);
        int code = run(args, out, err, System.getenv());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line without exiting the JVM (for tests and for embedding).
     *
     * @param args the arguments
     * @param out where results go
     * @param err where errors and progress go
     * @param environment where {@code --password-env} and the {@code --alertmanager-*-env} options look up
     *     variables
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        CommandLine cmd = new CommandLine(Main.class, new Factory(environment));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setUsageHelpAutoWidth(false);
        // no @file argument expansion: it read any file named after '@' (a FIFO or /dev/zero hung the command)
        cmd.setExpandAtFiles(false);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            failed.getErr().println(name + ": " + safeMessage(ex) + " (see '" + name + " --help')");
            failed.getErr().flush();
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": error: " + ex.getMessage());
            failed.getErr().flush();
            return 1;
        });
        return cmd.execute(args);
    }

    /**
     * Returns the parse error's message without echoing argument values that could be secrets: an unknown option is
     * named without what follows '=', an unexpected value is not repeated.
     */
    static String safeMessage(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException) {
            List<String> unmatched = ((CommandLine.UnmatchedArgumentException) ex).getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.get(0);
            if (first.startsWith("-")) {
                int eq = first.indexOf('=');
                return "unknown option '" + (eq >= 0 ? first.substring(0, eq) : first) + "'";
            }
            return "unexpected argument (this command takes options only)";
        }
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg.replace('\n', ' ').replace('\r', ' ');
    }

    /** Creates the commands and gives the stats and Alertmanager options their environment. */
    private static final class Factory implements CommandLine.IFactory {
        private final Map<String, String> environment;

        Factory(Map<String, String> environment) {
            this.environment = environment;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == Main.class) {
                return cls.cast(new Main());
            }
            K made = CommandLine.defaultFactory().create(cls);
            if (made instanceof StatsOptions) {
                ((StatsOptions) made).environment = environment;
            } else if (made instanceof AlertmanagerOptions) {
                ((AlertmanagerOptions) made).environment = environment;
            } else if (made instanceof MetricsAuthOptions) {
                ((MetricsAuthOptions) made).environment = environment;
            }
            return made;
        }
    }
}
