package dev.tocsin.haproxy.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Host name lookups within a connection's deadline. The JDK's lookup ({@link InetAddress#getByName}) has no timeout
 * of its own: a resolver that does not answer held a connection attempt (and {@code tocsin check}) for as long as the
 * system's resolver retries, beyond the connect timeout. Here the lookup runs on a daemon thread and the caller waits
 * at most until its deadline; a lookup still running then finishes (or fails) in the background, at most
 * {@link #MAX_PENDING} at a time. IP literals are not looked up. The JDK's own cache still applies.
 */
public final class Resolver {

    /** The most lookups running at once (more fail at once: the resolver is not answering). */
    static final int MAX_PENDING = 8;

    /** How a name is looked up (tests replace it). */
    @FunctionalInterface
    public interface Lookup {
        /**
         * Resolves {@code host}.
         *
         * @param host the host name
         * @return its address
         * @throws UnknownHostException if it has none
         */
        InetAddress lookup(String host) throws UnknownHostException;
    }

    private static final Resolver SYSTEM = new Resolver(InetAddress::getByName);

    private final Lookup lookup;
    private final ThreadPoolExecutor lookups;

    /** A resolver using {@code lookup} (tests); {@link #system()} otherwise. */
    Resolver(Lookup lookup) {
        this.lookup = lookup;
        this.lookups = new ThreadPoolExecutor(0, MAX_PENDING, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "tocsin-dns");
            t.setDaemon(true);
            return t;
        });
    }

    /** Returns the resolver using the JDK's lookup. */
    public static Resolver system() {
        return SYSTEM;
    }

    /**
     * Returns the address of {@code host}, waiting at most until {@code deadline}.
     *
     * @param host the host name or IP literal
     * @param deadline when to give up
     * @param display how the target is named in messages (no credentials)
     * @return the address
     * @throws FetchException if the host is unknown, the lookup fails, or it does not answer in time
     */
    public InetAddress resolve(String host, Deadline deadline, String display) throws FetchException {
        if (isIpv4Literal(host) || host.indexOf(':') >= 0) { // getByName parses these, never looks them up
            try {
                return InetAddress.getByName(host); // parsed, never looked up
            } catch (UnknownHostException e) {
                throw new FetchException("invalid address " + host, false, e);
            }
        }
        if (deadline.remainingMillis() == 0) {
            throw deadline.timeout("looking up " + host); // spent: no lookup left holding one of the slots
        }
        Future<InetAddress> f;
        try {
            f = lookups.submit(() -> lookup.lookup(host));
        } catch (RejectedExecutionException e) {
            throw new FetchException("cannot look up " + host + " for " + display + ": " + MAX_PENDING
                    + " lookups are still waiting for the resolver", true, null);
        }
        try {
            long left = deadline.remainingMillis();
            if (left == 0) {
                f.cancel(true);
                throw deadline.timeout("looking up " + host);
            }
            return f.get(left, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw deadline.timeout("looking up " + host + " (the resolver did not answer)");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while looking up " + host, false, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UnknownHostException) {
                throw new FetchException("unknown host " + host, false, c);
            }
            throw new FetchException("cannot look up " + host + ": " + c, true, c);
        }
    }

    /** Returns {@code host} without the brackets of an IPv6 literal in a URL ({@code [::1]} gives {@code ::1}). */
    public static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether {@code host} is a dotted-quad IPv4 address (four numbers 0-255). */
    static boolean isIpv4Literal(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code host} is an IPv6 literal (brackets removed) or made of digits and dots: no SNI is sent for it.
     * (Only what {@link #isIpv4Literal} accepts, or IPv6, skips the lookup: {@code 999.1.1.1} is looked up.)
     */
    public static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
