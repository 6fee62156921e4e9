package dev.tocsin.core.internal.source;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP GET per scrape with a connect timeout, a whole-response deadline and a size cap, over
 * {@link HttpClient} (no redirects, no compression). Messages name the target without its query and never carry the
 * {@code Authorization} value.
 */
public final class HttpScraper {

    /** The Accept header Prometheus sends for the text format, without OpenMetrics. */
    static final String ACCEPT = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final URI uri;
    private final String described;
    private final Duration readTimeout;
    private final long maxBytes;
    private final char[] authorization;
    private final HttpClient client;

    /**
     * Creates a scraper.
     *
     * @param authorization the full {@code Authorization} header value, or null
     * @param sslContext the TLS context, or null for the JVM default
     */
    public HttpScraper(URI uri, String described, Duration connectTimeout, Duration readTimeout, long maxBytes,
                       char[] authorization, SSLContext sslContext) {
        this.uri = uri;
        this.described = described;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.authorization = authorization;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(1024), r -> {
                    Thread t = new Thread(r, "tocsin-scrape-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor);
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        this.client = b.build();
    }

    /**
     * Fetches the body.
     *
     * @throws IOException on any failure, saying what happened
     */
    public byte[] fetch() throws IOException {
        long timeoutMs = Math.max(1, readTimeout.toMillis());
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(readTimeout)
                .header("Accept", ACCEPT)
                .header("User-Agent", "Tocsin")
                .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeoutMs / 1000.0));
        if (authorization != null) {
            rb.header("Authorization", new String(authorization));
        }
        CompletableFuture<HttpResponse<byte[]>> future;
        try {
            future = client.sendAsync(rb.build(), this::handle);
        } catch (RuntimeException e) {
            throw new IOException("cannot scrape " + described + ": " + e.getClass().getSimpleName(), e);
        }
        try {
            HttpResponse<byte[]> response = future.get(timeoutMs + clientSlack(), TimeUnit.MILLISECONDS);
            return response.body();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("no complete response from " + described + " within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while scraping " + described);
        } catch (CancellationException e) {
            throw new IOException("scrape of " + described + " was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ScrapeFailure) {
                throw new IOException(cause.getMessage());
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new IOException("no complete response from " + described + " within " + timeoutMs + " ms"
                        + " (" + cause.getMessage() + ")");
            }
            throw new IOException("cannot scrape " + described + ": " + describe(cause), cause);
        }
    }

    /** The connect time is bounded separately; allow it on top of the read deadline. */
    private long clientSlack() {
        return client.connectTimeout().map(Duration::toMillis).orElse(0L);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : " (" + m + ")");
    }

    private HttpResponse.BodySubscriber<byte[]> handle(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return new Failing(new ScrapeFailure("scrape of " + described + " failed: HTTP " + info.statusCode()
                    + (info.statusCode() / 100 == 3 ? " (redirects are not followed)" : "")));
        }
        String encoding = info.headers().firstValue("Content-Encoding").orElse("").trim()
                .toLowerCase(java.util.Locale.ROOT);
        if (COMPRESSIONS.contains(encoding)) {
            // not asked for (no Accept-Encoding is sent): say so rather than fail on the compressed bytes
            return new Failing(new ScrapeFailure("scrape of " + described + " failed: the answer is compressed"
                    + " (Content-Encoding: " + shortened(encoding) + "), which Tocsin does not ask for and cannot read;"
                    + " turn compression off for this endpoint"));
        }
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
        if (declared > maxBytes) {
            return new Failing(tooLarge());
        }
        return new Capped();
    }

    /**
     * Content codings that compress: an answer in one of them cannot be read as text (any other value, such as a
     * misconfigured {@code Content-Encoding: UTF-8}, is read as the body it is, as Prometheus reads it).
     */
    private static final java.util.Set<String> COMPRESSIONS =
            java.util.Set.of("gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress");

    private static String shortened(String header) {
        StringBuilder sb = new StringBuilder();
        header.codePoints().limit(40).forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return sb.toString();
    }

    private ScrapeFailure tooLarge() {
        return new ScrapeFailure("response from " + described + " is larger than the limit of " + maxBytes
                + " bytes");
    }

    /** A failure whose message is complete and safe to show. */
    static final class ScrapeFailure extends IOException {
        private static final long serialVersionUID = 1L;

        ScrapeFailure(String message) {
            super(message);
        }
    }

    /** Accumulates the body up to the cap. */
    private final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer bb : items) {
                if (buffer.size() + (long) bb.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(tooLarge());
                    return;
                }
                byte[] chunk = new byte[bb.remaining()];
                bb.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    /** Discards the body and fails with the given reason. */
    private static final class Failing implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Failing(IOException reason) {
            result.completeExceptionally(reason);
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }
}
