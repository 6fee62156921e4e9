package dev.tocsin.examples.cli;

import dev.tocsin.core.internal.Urls;
import dev.tocsin.haproxy.HaproxySource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The options that say which HAProxy to read and how: {@code --stats}, {@code --user}, {@code --password-env},
 * {@code --password-file}, {@code --ca-file}, {@code --timeout}. Shared by every command.
 */
final class StatsOptions {

    @Option(names = "--stats", paramLabel = "URL",
            description = {"Where to read HAProxy's statistics: the stats page (http://HOST:PORT/stats or https://...;"
                    + " ';csv' is appended when missing), the Runtime API on a unix socket (unix:/run/haproxy/admin.sock)"
                    + " or on TCP (tcp://HOST:PORT). Required by check; watch takes --stats, --metrics or both."})
    String stats;

    @Option(names = "--user", paramLabel = "USER",
            description = "User for the stats page's basic authentication (needs --password-env or --password-file).")
    String user;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Name of the environment variable holding the password (the password itself is never an"
                    + " argument).")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File holding the password (UTF-8; one trailing line break is ignored).")
    Path passwordFile;

    @Option(names = "--instance", paramLabel = "LABEL",
            description = "The instance label of HAProxy's series and alerts (default: HOST:PORT of --stats, or the"
                    + " socket path), e.g. the address your Prometheus scraped, so alerts keep the labels they had.")
    String instance;

    @Option(names = "--job", paramLabel = "LABEL", defaultValue = "haproxy",
            description = "The job label of HAProxy's series and alerts (default: ${DEFAULT-VALUE}).")
    String job = "haproxy";

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "PEM file of the certificates to trust for an https stats page (e.g. its self-signed"
                    + " certificate) instead of the JVM's default trust store.")
    Path caFile;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Deadline of one read of the statistics, response included (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** Environment lookups, replaceable by tests. */
    Map<String, String> environment = System.getenv();

    /**
     * Returns the source the options describe.
     *
     * @throws CommandLine.ParameterException if an option is invalid; the message never holds the password
     */
    HaproxySource buildSource(CommandLine cmd) {
        return buildSource(cmd, null);
    }

    /**
     * Returns the source the options describe; with {@code circuitOpenFor}, its circuit breaker stays open that long
     * (one watch interval: a HAProxy that comes back is read again at the next evaluation but one, not up to 10 s
     * later as with the library's default).
     *
     * @throws CommandLine.ParameterException if an option is invalid; the message never holds the password
     */
    HaproxySource buildSource(CommandLine cmd, Duration circuitOpenFor) {
        HaproxySource.Builder b = HaproxySource.builder();
        if (circuitOpenFor != null) {
            b.circuitBreaker(5, circuitOpenFor);
        }
        String where = stats.trim();
        String lower = where.toLowerCase(Locale.ROOT);
        boolean http = false;
        if (lower.startsWith("unix:")) {
            String path = where.substring("unix:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
                if (!path.isEmpty() && !path.startsWith("/")) {
                    // unix://run/x.sock: a host where a path belongs, not the relative path run/x.sock
                    throw new CommandLine.ParameterException(cmd, "--stats unix:// takes an absolute path after"
                            + " the two slashes (unix:///run/haproxy/admin.sock), or write unix:PATH");
                }
            }
            if (path.isEmpty()) {
                throw new CommandLine.ParameterException(cmd, "--stats unix: needs a socket path, e.g."
                        + " unix:/run/haproxy/admin.sock");
            }
            b.runtimeApi(Path.of(path));
        } else if (lower.startsWith("tcp://")) {
            URI uri = parseUri(cmd, where);
            if (uri.getRawAuthority() != null && uri.getRawAuthority().indexOf('@') >= 0) {
                // user info, parsed as such or not (before a host java.net.URI does not accept): never echoed
                throw new CommandLine.ParameterException(cmd, "--stats must not contain credentials; the Runtime API"
                        + " has none (use the socket's own access rules)");
            }
            String host = uri.getHost();
            int port = uri.getPort();
            java.util.regex.Matcher underscored = uri.getRawAuthority() == null ? null
                    : java.util.regex.Pattern.compile("([A-Za-z0-9._-]+):([0-9]{1,5})").matcher(uri.getRawAuthority());
            if (host == null && underscored != null && underscored.matches()) {
                // a host name with an underscore (a Docker container name): java.net.URI gives no host, but the
                // Runtime API's own sockets resolve it as any other name
                host = underscored.group(1);
                port = Integer.parseInt(underscored.group(2));
            }
            if (host == null || port < 1) {
                throw new CommandLine.ParameterException(cmd, "--stats tcp:// needs a host and a port, e.g."
                        + " tcp://127.0.0.1:9999");
            }
            boolean pathless = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
            if (!pathless || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw new CommandLine.ParameterException(cmd, "--stats tcp:// takes only a host and a port (the"
                        + " Runtime API has no path, query or credentials), e.g. tcp://127.0.0.1:9999");
            }
            try {
                b.runtimeApi(host, port);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--stats: " + e.getMessage());
            }
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri = parseUri(cmd, where);
            try {
                b.statsUri(uri);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--stats: " + e.getMessage());
            }
            http = true;
        } else {
            throw new CommandLine.ParameterException(cmd,
                    "--stats must be http(s)://HOST:PORT/PATH, unix:PATH or tcp://HOST:PORT");
        }
        Secrets.checkUserAndPassword(cmd, "--user", user, "--password-env", passwordEnv, "--password-file",
                passwordFile);
        if (user != null && !http) {
            throw new CommandLine.ParameterException(cmd,
                    "--user applies to the http(s) stats page only, not to the Runtime API");
        }
        if (user != null) {
            char[] secret = password(cmd);
            try {
                b.basicAuth(user, secret);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--user: " + e.getMessage());
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        if (caFile != null) {
            if (!lower.startsWith("https://")) {
                throw new CommandLine.ParameterException(cmd, "--ca-file applies to an https stats page only");
            }
            b.trustStore(Secrets.trustStore(cmd, "--ca-file", caFile));
        }
        try {
            if (instance != null) {
                b.instance(instance);
            }
            b.job(job);
        } catch (IllegalArgumentException e) {
            // "instance must not be empty" names the option with its dashes
            throw new CommandLine.ParameterException(cmd, "--" + e.getMessage());
        }
        Duration connect = timeout.compareTo(Duration.ofSeconds(2)) < 0 ? timeout : Duration.ofSeconds(2);
        b.readTimeout(timeout).connectTimeout(connect);
        return b.build();
    }

    private char[] password(CommandLine cmd) {
        return Secrets.read(cmd, environment, "--password-env", passwordEnv, "--password-file", passwordFile);
    }

    private static URI parseUri(CommandLine cmd, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // the text may hold credentials (user:pass@host): do not echo it
            throw new CommandLine.ParameterException(cmd, "--stats is not a valid URL (" + e.getReason() + ")");
        }
        if (uri.getRawUserInfo() != null) {
            throw new CommandLine.ParameterException(cmd, "--stats must not contain credentials;"
                    + " use --user with --password-env or --password-file");
        }
        return uri;
    }

    /**
     * Returns what is read, for messages: the --stats value without its query's values (a token may be there; user
     * info is refused when building).
     */
    String describe() {
        if (stats == null) {
            return "";
        }
        String lower = stats.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") ? Urls.describe(stats) : stats;
    }
}
