package dev.tocsin.core.notify;

import dev.tocsin.core.internal.Urls;

import java.net.URI;

/** Checks of target URLs shared by the HTTP notifiers. */
final class Targets {

    private Targets() {
    }

    static URI check(String option, URI uri) {
        return Urls.checkHttp(option, uri, "use basicAuth(user, password) or bearerToken(token)");
    }
}
