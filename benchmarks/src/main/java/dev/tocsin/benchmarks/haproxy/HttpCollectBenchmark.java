package dev.tocsin.benchmarks.haproxy;

import dev.tocsin.core.Sample;
import dev.tocsin.haproxy.HaproxySource;
import dev.tocsin.haproxy.internal.HttpStatsTransport;
import dev.tocsin.haproxy.internal.StatsTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link HaproxySource#collect()} over loopback HTTP: fetch + parse + map of the generated 1,000 backends x 10 servers
 * CSV served by {@link LoopbackCsvServer} (in this JVM, on its own threads). {@code fetchOnly} is the same HTTP fetch
 * without the mapping (the transport alone), for reference.
 *
 * <p>Modes: {@code same} serves the same bytes every time; {@code changing} alternates two CSVs in which every counter
 * differs (the server swaps the document before each scrape).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class HttpCollectBenchmark {

    @Param({"same", "changing"})
    public String mode;

    private byte[] a;
    private byte[] b;
    private boolean flip;
    private LoopbackCsvServer server;
    private HaproxySource source;
    private StatsTransport transport;
    /** The previous scrape's samples, held until the next one as an evaluator holds its last samples. */
    private List<Sample> previous;

    /** Starts the loopback server and primes the source. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        a = CsvGenerator.generate(1000, 10, 0);
        b = CsvGenerator.generate(1000, 10, 1);
        server = new LoopbackCsvServer(0, a);
        source = HaproxySource.builder().statsUri(URI.create(server.uri())).build();
        transport = new HttpStatsTransport(URI.create(server.uri()), null, null, false, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 16L * 1024 * 1024);
        previous = source.collect();
        System.out.printf("%nCSV size: %d bytes, samples per collect(): %d%n", a.length, previous.size());
    }

    /** Stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    /** Swaps the served document in {@code changing} mode (not timed). */
    @Setup(Level.Invocation)
    public void nextDocument() {
        if ("changing".equals(mode)) {
            flip = !flip;
            server.serve(flip ? b : a);
        }
    }

    /** One scrape: HTTP fetch, parse, map; the result is kept until the next scrape. */
    @Benchmark
    public List<Sample> collect() throws Exception {
        List<Sample> r = source.collect();
        previous = r;
        return r;
    }

    /** The HTTP fetch alone (same transport as {@code collect}, the body handed on piece by piece, not mapped). */
    @Benchmark
    public long fetchOnly() throws Exception {
        long[] bytes = new long[1];
        transport.fetchStat((b, off, len) -> bytes[0] += len);
        return bytes[0];
    }
}
