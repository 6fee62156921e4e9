package dev.tocsin.core.internal.notify;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/** Records every post and answers with a configurable status. */
public final class RecordingTransport implements Transport {

    /**
     * A recorded request.
     *
     * @param uri the target
     * @param body the JSON body
     */
    public record Post(URI uri, byte[] body) {
    }

    public final List<Post> posts = new CopyOnWriteArrayList<>();
    private final IntFunction<Integer> statusForCall;

    /** Answers 200 to everything. */
    public RecordingTransport() {
        this(n -> 200);
    }

    /** Answers {@code statusForCall.apply(callNumber)} (1-based); a negative status throws an IOException. */
    public RecordingTransport(IntFunction<Integer> statusForCall) {
        this.statusForCall = statusForCall;
    }

    @Override
    public Response post(URI uri, byte[] body, Duration timeout) throws IOException {
        posts.add(new Post(uri, body));
        int status = statusForCall.apply(posts.size());
        if (status < 0) {
            throw new IOException("connection refused (test)");
        }
        return new Response(status, status == 200 ? "" : "error " + status);
    }
}
