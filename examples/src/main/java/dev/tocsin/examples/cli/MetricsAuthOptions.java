package dev.tocsin.examples.cli;

import dev.tocsin.core.source.PrometheusTextSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code watch} that say how to authenticate to the {@code --metrics} endpoints (HAProxy's own
 * exporter behind {@code http-request auth}, a proxy that wants a token) and which certificates to trust for them:
 * one set for every {@code --metrics} endpoint. Secrets come from an environment variable or a file, never an
 * argument.
 */
final class MetricsAuthOptions {

    @Option(names = "--metrics-user", paramLabel = "USER",
            description = "User for the --metrics endpoints' basic authentication (needs --metrics-password-env or"
                    + " --metrics-password-file); sent to every --metrics endpoint.")
    String user;

    @Option(names = "--metrics-password-env", paramLabel = "VAR",
            description = "Name of the environment variable holding the --metrics endpoints' password.")
    String passwordEnv;

    @Option(names = "--metrics-password-file", paramLabel = "FILE",
            description = "File holding the --metrics endpoints' password (UTF-8; one trailing line break is"
                    + " ignored).")
    Path passwordFile;

    @Option(names = "--metrics-token-env", paramLabel = "VAR",
            description = "Name of the environment variable holding a bearer token for the --metrics endpoints.")
    String tokenEnv;

    @Option(names = "--metrics-token-file", paramLabel = "FILE",
            description = "File holding a bearer token for the --metrics endpoints (UTF-8; one trailing line break"
                    + " is ignored).")
    Path tokenFile;

    @Option(names = "--metrics-ca-file", paramLabel = "FILE",
            description = "PEM file of the certificates to trust for https --metrics endpoints instead of the JVM's"
                    + " default trust store (refused when no --metrics URL is https).")
    Path caFile;

    /** Environment lookups, replaceable by tests. */
    Map<String, String> environment = System.getenv();

    /** The trust store read from {@link #caFile}, once for every endpoint. */
    private javax.net.ssl.SSLContext sslContext;

    /**
     * Checks the options against the {@code --metrics} endpoints given and reads the CA file.
     *
     * @param cmd the command, for usage errors
     * @param endpoints the parsed {@code --metrics} URLs (may be empty)
     * @throws CommandLine.ParameterException if an option is given without {@code --metrics}, options contradict
     *     each other, or {@code --metrics-ca-file} is given without an https endpoint or cannot be used
     */
    void check(CommandLine cmd, List<URI> endpoints) {
        boolean password = passwordEnv != null || passwordFile != null;
        boolean token = tokenEnv != null || tokenFile != null;
        if (endpoints.isEmpty()) {
            if (user != null || password || token || caFile != null) {
                throw new CommandLine.ParameterException(cmd, "the --metrics-user, --metrics-password-*,"
                        + " --metrics-token-* and --metrics-ca-file options need --metrics URL");
            }
            return;
        }
        Secrets.checkCredentials(cmd, "--metrics", user, passwordEnv, passwordFile, tokenEnv, tokenFile);
        if (caFile != null) {
            if (endpoints.stream().noneMatch(u -> "https".equalsIgnoreCase(String.valueOf(u.getScheme())))) {
                throw new CommandLine.ParameterException(cmd, "--metrics-ca-file applies to https --metrics"
                        + " endpoints only");
            }
            sslContext = Secrets.sslContext(Secrets.trustStore(cmd, "--metrics-ca-file", caFile));
        }
    }

    /**
     * Adds the credentials and the trust store to the builder of one {@code --metrics} endpoint (after
     * {@link #check}).
     *
     * @param cmd the command, for usage errors
     * @param uri the endpoint
     * @param b its source's builder
     * @throws CommandLine.ParameterException if a secret cannot be read or is refused; the message never holds it
     */
    void apply(CommandLine cmd, URI uri, PrometheusTextSource.Builder b) {
        if (user != null) {
            char[] secret = Secrets.read(cmd, environment, "--metrics-password-env", passwordEnv,
                    "--metrics-password-file", passwordFile);
            try {
                b.basicAuth(user, secret);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--metrics-user: " + e.getMessage());
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        if (tokenEnv != null || tokenFile != null) {
            char[] secret = Secrets.read(cmd, environment, "--metrics-token-env", tokenEnv, "--metrics-token-file",
                    tokenFile);
            try {
                b.bearerToken(secret);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, (tokenEnv != null ? "--metrics-token-env: "
                        : "--metrics-token-file: ") + e.getMessage());
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        if (sslContext != null && "https".equalsIgnoreCase(String.valueOf(uri.getScheme()))) {
            b.sslContext(sslContext);
        }
    }
}
