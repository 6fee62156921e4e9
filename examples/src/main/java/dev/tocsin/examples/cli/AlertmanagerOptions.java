package dev.tocsin.examples.cli;

import dev.tocsin.core.notify.AlertmanagerNotifier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The options that say where {@code tocsin watch} sends its alerts: {@code --alertmanager} (repeatable) and the
 * credentials and certificates for them. Secrets come from an environment variable or a file, never an argument.
 */
final class AlertmanagerOptions {

    @Option(names = "--alertmanager", paramLabel = "URL",
            description = "Also send FIRING and RESOLVED alerts to this Alertmanager (base URL, e.g."
                    + " http://127.0.0.1:9093); repeat for several.")
    List<String> alertmanagers = new ArrayList<>();

    @Option(names = "--alertmanager-user", paramLabel = "USER",
            description = "User for the Alertmanagers' basic authentication (needs --alertmanager-password-env or"
                    + " --alertmanager-password-file).")
    String user;

    @Option(names = "--alertmanager-password-env", paramLabel = "VAR",
            description = "Name of the environment variable holding the Alertmanagers' password.")
    String passwordEnv;

    @Option(names = "--alertmanager-password-file", paramLabel = "FILE",
            description = "File holding the Alertmanagers' password (UTF-8; one trailing line break is ignored).")
    Path passwordFile;

    @Option(names = "--alertmanager-token-env", paramLabel = "VAR",
            description = "Name of the environment variable holding a bearer token for the Alertmanagers.")
    String tokenEnv;

    @Option(names = "--alertmanager-token-file", paramLabel = "FILE",
            description = "File holding a bearer token for the Alertmanagers (UTF-8; one trailing line break is"
                    + " ignored).")
    Path tokenFile;

    @Option(names = "--alertmanager-ca-file", paramLabel = "FILE",
            description = "PEM file of the certificates to trust for https Alertmanagers instead of the JVM's"
                    + " default trust store.")
    Path caFile;

    @Option(names = "--alertmanager-generator-url", paramLabel = "URL",
            description = "The generatorURL of every alert sent (Alertmanager shows it as the alert's source), e.g."
                    + " a dashboard or the HAProxy stats page; without it the field is left out.")
    String generatorUrl;

    /** Environment lookups, replaceable by tests. */
    Map<String, String> environment = System.getenv();

    /**
     * Returns the notifier the options describe, or {@code null} when no {@code --alertmanager} was given.
     *
     * @param cmd the command, for usage errors
     * @param externalLabels the labels added to every alert sent that does not have them
     * @return the notifier (its delivery threads started), or null
     * @throws CommandLine.ParameterException if the options contradict each other or a file cannot be used; the
     *     message never holds a secret (nor a URL, which might)
     */
    AlertmanagerNotifier build(CommandLine cmd, dev.tocsin.core.Labels externalLabels) {
        boolean password = passwordEnv != null || passwordFile != null;
        boolean token = tokenEnv != null || tokenFile != null;
        if (alertmanagers.isEmpty()) {
            if (user != null || password || token || caFile != null || generatorUrl != null) {
                throw new CommandLine.ParameterException(cmd, "the --alertmanager-* options need --alertmanager URL");
            }
            return null;
        }
        Secrets.checkCredentials(cmd, "--alertmanager", user, passwordEnv, passwordFile, tokenEnv, tokenFile);
        List<URI> urls = new ArrayList<>();
        for (String text : alertmanagers) {
            urls.add(parseUri(cmd, text));
        }
        if (caFile != null && urls.stream()
                .noneMatch(u -> "https".equalsIgnoreCase(String.valueOf(u.getScheme())))) {
            throw new CommandLine.ParameterException(cmd, "--alertmanager-ca-file applies to https Alertmanagers"
                    + " only");
        }
        AlertmanagerNotifier.Builder b = AlertmanagerNotifier.builder().externalLabels(externalLabels);
        try {
            for (URI u : urls) {
                b.url(u);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--alertmanager: " + e.getMessage());
        }
        if (generatorUrl != null) {
            try {
                // a link shown to people: an http(s) URL without credentials (it is sent with every alert)
                b.generatorUrl(dev.tocsin.core.internal.Urls.checkHttp("--alertmanager-generator-url",
                        new URI(generatorUrl.trim()), "a link shown with every alert must not hold them").toString());
            } catch (URISyntaxException e) {
                // the text may hold credentials: not echoed
                throw new CommandLine.ParameterException(cmd, "--alertmanager-generator-url is not a valid URL ("
                        + e.getReason() + ")");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
        }
        if (user != null) {
            char[] secret = Secrets.read(cmd, environment, "--alertmanager-password-env", passwordEnv,
                    "--alertmanager-password-file", passwordFile);
            try {
                b.basicAuth(user, new String(secret));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--alertmanager-user: " + e.getMessage());
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        if (token) {
            char[] secret = Secrets.read(cmd, environment, "--alertmanager-token-env", tokenEnv,
                    "--alertmanager-token-file", tokenFile);
            try {
                b.bearerToken(new String(secret));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, (tokenEnv != null ? "--alertmanager-token-env: "
                        : "--alertmanager-token-file: ") + e.getMessage());
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        if (caFile != null) {
            b.sslContext(Secrets.sslContext(Secrets.trustStore(cmd, "--alertmanager-ca-file", caFile)));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--alertmanager: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new CommandLine.ParameterException(cmd, "--alertmanager-ca-file: " + e.getMessage());
        }
    }

    /** Returns how many Alertmanagers were given. */
    int count() {
        return alertmanagers.size();
    }

    private static URI parseUri(CommandLine cmd, String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            // the text may hold credentials (user:pass@host): do not echo it
            throw new CommandLine.ParameterException(cmd, "--alertmanager is not a valid URL (" + e.getReason()
                    + ")");
        }
        if (uri.getRawUserInfo() != null) {
            throw new CommandLine.ParameterException(cmd, "--alertmanager must not contain credentials; use"
                    + " --alertmanager-user with --alertmanager-password-env or --alertmanager-password-file");
        }
        return uri;
    }

}
