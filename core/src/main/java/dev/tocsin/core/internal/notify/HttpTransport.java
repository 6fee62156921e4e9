package dev.tocsin.core.internal.notify;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Transport} over {@link HttpClient} (HTTP/1.1, no redirects). The timeout bounds the whole exchange, body
 * included; only the first {@value #BODY_LIMIT} bytes of a response are kept. Headers (credentials) are never part of
 * an exception message.
 */
public final class HttpTransport implements Transport {

    static final int BODY_LIMIT = 2048;
    private static final AtomicInteger IDS = new AtomicInteger();

    /** Null once closed: the JDK client's selector thread ends only when the client is unreachable (Java 17). */
    private volatile HttpClient client;
    private final ExecutorService executor;
    private final Map<String, String> headers;

    /**
     * Creates a transport.
     *
     * @param connectTimeout the connect timeout
     * @param sslContext the TLS context, or {@code null} for the JVM default (with certificate verification)
     * @param headers extra request headers, e.g. {@code Authorization}
     */
    public HttpTransport(Duration connectTimeout, SSLContext sslContext, Map<String, String> headers) {
        int id = IDS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tocsin-http-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor);
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        this.client = b.build();
        this.headers = Map.copyOf(headers);
    }

    @Override
    public Response post(URI uri, byte[] body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Tocsin")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(rb::header);
        HttpClient c0 = client;
        if (c0 == null) {
            throw new IOException("transport closed");
        }
        CompletableFuture<HttpResponse<String>> f = c0.sendAsync(rb.build(), info -> new LimitedBody());
        try {
            HttpResponse<String> r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Response(r.statusCode(), r.body());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpTimeoutException("no complete response from " + dev.tocsin.core.internal.Urls.describeOrigin(uri)
                    + " within " + timeout);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            throw new IOException(c == null ? "request failed" : c.toString(), c);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        client = null;
    }

    /** Keeps the first {@link #BODY_LIMIT} bytes, discards the rest. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final byte[] buf = new byte[BODY_LIMIT];
        private int len;

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), buf.length - len);
                b.get(buf, len, n);
                len += n;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new String(buf, 0, len, StandardCharsets.UTF_8));
        }
    }
}
