package dev.tocsin.core.notify;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** Checks of target URLs shared by the HTTP notifiers. */
final class Targets {

    private Targets() {
    }

    static URI check(String option, URI uri) {
        Objects.requireNonNull(uri, option);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(option + " must be an http or https URL, got scheme '" + scheme + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(option + " has no host: " + uri.getScheme() + "://...");
        }
        if (uri.getRawUserInfo() != null) {
            // Never echo the URL: its user info holds credentials.
            throw new IllegalArgumentException(option + " must not contain credentials; use basicAuth(...) instead");
        }
        return uri;
    }
}
