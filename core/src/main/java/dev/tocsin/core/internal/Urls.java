package dev.tocsin.core.internal;

import java.net.URI;
import java.net.URISyntaxException;

/** URLs as they may be shown in logs, {@code toString()} and errors: never a credential they may carry. */
public final class Urls {

    private Urls() {
    }

    /** The HAProxy stats page flags a query may carry, shown as they are ({@code ?stats;csv;norefresh}). */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("stats", "csv", "norefresh", "up", "no-maint",
            "json", "typed", "desc", "");

    /**
     * Returns {@code scheme://host:port/path?query} of {@code uri} without its user info and fragment; in the query
     * only HAProxy's flags ({@code stats;csv;norefresh}) and parameter names are shown, anything else as {@code ...}
     * ({@code ?pw=x} becomes {@code ?pw=...}, {@code ?SECRET} becomes {@code ?...}). An authority that is not
     * {@code host:port} is not shown (it may be user info that did not parse); a relative URI gives its path and query.
     */
    public static String describe(URI uri) {
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) {
            b.append(uri.getScheme()).append(':');
        }
        if (uri.getRawAuthority() != null) {
            b.append("//");
            if (uri.getHost() == null) {
                return b.append("(an address that does not parse)").toString();
            }
            b.append(uri.getHost());
            if (uri.getPort() >= 0) {
                b.append(':').append(uri.getPort());
            }
        }
        if (uri.getRawPath() != null) {
            b.append(uri.getRawPath());
        }
        String q = uri.getRawQuery();
        if (q != null) {
            b.append('?');
            String[] parts = q.split("&", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    b.append('&');
                }
                int eq = parts[i].indexOf('=');
                if (eq >= 0) {
                    b.append(parts[i], 0, eq + 1).append("...");
                } else {
                    b.append(java.util.Arrays.stream(parts[i].split(";", -1))
                            .map(f -> FLAGS.contains(f.toLowerCase(java.util.Locale.ROOT)) ? f : "...")
                            .collect(java.util.stream.Collectors.joining(";")));
                }
            }
        }
        return b.toString();
    }

    /**
     * Returns whether credentials sent to {@code uri} would cross the network in clear text: a plain {@code http} URL
     * whose host is not this machine's loopback ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1} and the
     * IPv4-mapped {@code ::ffff:127.x.y.z}). Never looks a name up: only the literal text of the host decides, so a
     * name such as {@code am.localhost} that some resolvers send to DNS counts as another host.
     *
     * @param uri an absolute URL
     * @return true for {@code http} to a host that is not loopback
     */
    public static boolean cleartextBeyondLoopback(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return false;
        }
        String host = uri.getHost();
        if (host == null) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.equals("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return false;
        }
        if (h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+")) {
            try {
                return !java.net.InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: no lookup
            } catch (java.net.UnknownHostException e) {
                return true;
            }
        }
        return true;
    }

    /**
     * Logs one WARN on {@code log} when credentials of {@code kind} ("basic auth", "bearer token") would go to
     * {@code uri} in clear text ({@link #cleartextBeyondLoopback}), naming the target as {@code shown} (a description
     * without secrets, e.g. {@link #describe(URI)}); nothing otherwise.
     *
     * @param log where to warn
     * @param uri the target
     * @param kind what the credentials are, never their value
     * @param shown how the target is named in the warning
     */
    public static void warnIfCleartext(org.slf4j.Logger log, URI uri, String kind, String shown) {
        if (cleartextBeyondLoopback(uri)) {
            log.warn("The credentials ({}) for {} are sent over plain http to a host that is not loopback: anyone on"
                    + " the way can read them (use https)", kind, shown);
        }
    }

    /**
     * Returns {@code uri} as text without its user info ({@code https://user:pw@wiki/x} gives {@code https://wiki/x}):
     * for links people follow (a runbook's), which keep their path and query.
     */
    public static String withoutUserInfo(URI uri) {
        String info = uri.getRawUserInfo();
        return info == null ? uri.toString() : uri.toString().replace(info + "@", "");
    }

    /**
     * Returns {@code scheme://host:port} of {@code uri}, followed by {@code /...} when it has a longer path or a query:
     * for URLs whose path may itself be the secret (a Slack, Teams or Discord webhook's
     * {@code /services/T0/B0/XXXX}), which {@link #describe(URI)} would show.
     */
    public static String describeOrigin(URI uri) {
        String full = describe(uri);
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            return full.contains("?") || full.contains("/") ? "(a URL whose path is not shown)" : full;
        }
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) {
            b.append(uri.getScheme()).append(':');
        }
        b.append("//").append(uri.getHost());
        if (uri.getPort() >= 0) {
            b.append(':').append(uri.getPort());
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
            b.append("/...");
        } else if (path != null) {
            b.append(path);
        }
        return b.toString();
    }

    /**
     * Checks an http(s) URL given as {@code what}: the scheme, a host, a port in 1..65535 if given, and no user info
     * (credentials belong in the dedicated settings). Messages never repeat the URL, which may hold a password.
     *
     * @return {@code uri}
     * @throws IllegalArgumentException naming {@code what} and the problem
     */
    public static URI checkHttp(String what, URI uri) {
        return checkHttp(what, uri, "set them apart");
    }

    /**
     * {@link #checkHttp(String, URI)}, saying where credentials go instead ({@code credentialsHint}, e.g.
     * {@code "use basicAuth(user, password)"}) when the URL has user info.
     */
    public static URI checkHttp(String what, URI uri, String credentialsHint) {
        java.util.Objects.requireNonNull(uri, what);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(what + " must be an http or https URL, got scheme '" + scheme + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(what + " must not contain credentials (user info); "
                    + credentialsHint);
        }
        if (uri.getHost() == null) {
            // a registry-based authority: no host, a port that is not a number, or a host name that java.net.URI
            // does not accept (an underscore, as in Docker container names); its user info is not parsed either
            String authority = uri.getRawAuthority();
            if (authority != null && authority.indexOf('@') >= 0) {
                throw new IllegalArgumentException(what + " must not contain credentials (user info); "
                        + credentialsHint);
            }
            if (authority != null && authority.indexOf('_') >= 0) {
                int colon = authority.lastIndexOf(':');
                String host = colon > 0 ? authority.substring(0, colon) : authority;
                throw new IllegalArgumentException(what + " has the host name '" + host + "' with an underscore, "
                        + "which Java's URI and HTTP client do not accept as a host name; use its IP address or a "
                        + "name without underscores (a DNS alias, a Docker network alias)");
            }
            throw new IllegalArgumentException(what + " has no host, or a port that is not a number");
        }
        if (uri.getPort() == -1 && uri.getRawAuthority().endsWith(":")) {
            // "http://host:/x": Java reads no port (80), a mistyped port more likely (an empty variable in a script)
            throw new IllegalArgumentException(what + " has an empty port after ':'; give one or leave out the ':'");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException(what + " port must be 1..65535: " + uri.getPort());
        }
        return uri;
    }

    /** {@link #describe(URI)} of a URL given as text, or a placeholder when it does not parse. */
    public static String describe(String url) {
        try {
            return describe(new URI(url));
        } catch (URISyntaxException | RuntimeException e) {
            return "(a URL that does not parse)";
        }
    }
}
