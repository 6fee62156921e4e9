package dev.tocsin.haproxy.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class RuntimeApiTransportTest {

    @TempDir
    Path dir;

    /** A unix-socket server answering each connection with {@code answer}, optionally stalling first. */
    private Thread serve(Path sock, String answer, long stallMillis, AtomicReference<String> command)
            throws Exception {
        return serve(sock, answer, stallMillis, 0, command);
    }

    /**
     * A unix-socket server answering each connection with {@code answer}: it reads the command (kept in
     * {@code command}), waits {@code stallMillis}, writes the answer, then keeps the connection open for
     * {@code holdMillis} (the master CLI does) before closing it.
     */
    private static Thread serve(Path sock, String answer, long stallMillis, long holdMillis,
                                AtomicReference<String> command) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Thread t = new Thread(() -> {
            try (ServerSocketChannel s = server) {
                while (true) {
                    try (SocketChannel c = s.accept()) {
                        ByteBuffer in = ByteBuffer.allocate(256);
                        c.read(in);
                        command.set(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                        Thread.sleep(stallMillis);
                        c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
                        Thread.sleep(holdMillis);
                    }
                }
            } catch (Exception ignored) {
                // interrupted: done
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void sendsShowStatAndReadsUntilClose() throws Exception {
        Path sock = dir.resolve("s.sock");
        AtomicReference<String> cmd = new AtomicReference<>();
        Thread t = serve(sock, "# pxname,svname,\nbe,BACKEND,\n\n", 0, cmd);
        try {
            RuntimeApiTransport tr = RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    1 << 20);
            StatsTransport.Payload p = tr.fetchStat();
            assertThat(new String(p.bytes(), 0, p.length(), StandardCharsets.US_ASCII))
                    .isEqualTo("# pxname,svname,\nbe,BACKEND,\n\n");
            assertThat(cmd.get()).isEqualTo("show stat\n");
            assertThat(tr.describe()).isEqualTo("unix:" + sock);
        } finally {
            t.interrupt();
        }
    }

    @Test
    void parsesShowInfo() throws Exception {
        Path sock = dir.resolve("i.sock");
        AtomicReference<String> cmd = new AtomicReference<>();
        Thread t = serve(sock, "Name: HAProxy\nVersion: 2.6.12-1\nRelease_date: 2023/03/10\n\n", 0, cmd);
        try {
            Map<String, String> info = RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    1 << 20).fetchInfo().orElseThrow();
            assertThat(info).containsEntry("Version", "2.6.12-1").containsEntry("Release_date", "2023/03/10");
            assertThat(cmd.get()).isEqualTo("show info\n");
        } finally {
            t.interrupt();
        }
    }

    @Test
    void aStalledSocketTimesOutAtTheDeadline() throws Exception {
        Path sock = dir.resolve("slow.sock");
        Thread t = serve(sock, "late", 10_000, new AtomicReference<>());
        try {
            RuntimeApiTransport tr = RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofMillis(300),
                    1 << 20);
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> assertThatThrownBy(tr::fetchStat)
                    .hasMessageContaining("timeout after 300ms while reading the answer to 'show stat'"));
        } finally {
            t.interrupt();
        }
    }

    @Test
    void answersOverTheCapAreAborted() throws Exception {
        Path sock = dir.resolve("big.sock");
        Thread t = serve(sock, "x".repeat(5000), 0, new AtomicReference<>());
        try {
            assertThatThrownBy(() -> RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    1000).fetchStat()).hasMessageContaining("larger than the cap of 1000 bytes");
        } finally {
            t.interrupt();
        }
    }

    @Test
    void aMissingSocketSaysSo() {
        Path sock = dir.resolve("absent.sock");
        assertThatThrownBy(() -> RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(1), 1024)
                .fetchStat()).isInstanceOf(FetchException.class).hasMessageContaining("unix:" + sock);
    }

    /** A file or directory where the socket should be reads as what it is, not as a refused connection. */
    @Test
    void aPathThatIsNoSocketSaysWhatItIs() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("file.sock"), "hello\n");
        Path directory = java.nio.file.Files.createDirectory(dir.resolve("dir.sock"));
        assertThatThrownBy(() -> RuntimeApiTransport.unix(file, Duration.ofSeconds(1), Duration.ofSeconds(1), 1024)
                .fetchStat()).isInstanceOf(FetchException.class)
                .hasMessage("unix:" + file + " is a regular file, not a socket: give the path of HAProxy's 'stats"
                        + " socket' (global section)");
        assertThatThrownBy(() -> RuntimeApiTransport.unix(directory, Duration.ofSeconds(1), Duration.ofSeconds(1),
                1024).fetchStat()).isInstanceOf(FetchException.class).hasMessageContaining("is a directory, not a socket");
    }

    /** A body of exactly the cap is read; one byte more is refused. */
    @Test
    void aBodyOfExactlyTheCapIsRead() throws Exception {
        String answer = "# pxname,svname,\nbe,BACKEND,\n".repeat(300);
        Path sock = dir.resolve("c.sock");
        Thread t = serve(sock, answer, 0, new AtomicReference<>());
        try {
            StatsTransport.Payload p = RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    answer.length()).fetchStat();
            assertThat(p.length()).isEqualTo(answer.length());
            assertThatThrownBy(() -> RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    answer.length() - 1).fetchStat())
                    .hasMessageContaining("larger than the cap of " + (answer.length() - 1) + " bytes");
        } finally {
            t.interrupt();
        }
    }

    /** The master CLI (haproxy -S) answers an unknown command and keeps the connection open. */
    @Test
    void anAnswerThatIsNotCsvFailsAtOnceWithItsFirstLine() throws Exception {
        Path sock = dir.resolve("master.sock");
        Thread t = serve(sock, "Unknown command, but maybe one of the following ones is a better match:\n"
                + "  help [<command>]  : list matching or all commands\n\n", 0, 30_000, new AtomicReference<>());
        try {
            RuntimeApiTransport tr = RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(20),
                    1 << 20);
            long start = System.nanoTime();
            assertThatThrownBy(tr::fetchStat).isInstanceOf(FetchException.class)
                    .hasMessage("unix:" + sock + " answered 'show stat' with 'Unknown command, but maybe one of the"
                            + " following ones is a better match:', not CSV: is it the master CLI socket (haproxy -S)?"
                            + " Point Tocsin at a worker's 'stats socket' (global section)")
                    .satisfies(e -> assertThat(((FetchException) e).retriable()).isFalse());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 20 s read timeout")
                    .isLessThan(Duration.ofSeconds(10));
        } finally {
            t.interrupt();
        }
    }

    /** A peer that answers something other than CSV and closes (a "level" too low, say): the answer is reported. */
    @Test
    void anAnswerThatIsNotCsvIsReportedWhenThePeerClosesRightAfterIt() throws Exception {
        Path sock = dir.resolve("closed.sock");
        Thread t = serve(sock, "Permission denied\n", 0, new AtomicReference<>());
        try {
            RuntimeApiTransport tr = RuntimeApiTransport.unix(sock, Duration.ofSeconds(1), Duration.ofSeconds(5),
                    1 << 20);
            assertThatThrownBy(tr::fetchStat).isInstanceOf(FetchException.class)
                    .hasMessage("unix:" + sock + " answered 'show stat' with 'Permission denied', not CSV");
        } finally {
            t.interrupt();
        }
    }
}
