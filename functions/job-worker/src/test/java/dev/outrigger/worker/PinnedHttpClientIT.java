package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PinnedHttpClient}, the worker's HTTP client at the SSRF boundary, against hostile servers on 127.0.0.1:
 * broken status lines, header floods, endless bodies, a byte a second, connections closed half-way, a TLS handshake
 * that never comes. Each call goes through the real {@link WebhookHandler} and must end as a clear outcome (transient
 * or permanent, with its error class) on its own, within the try's deadline: the test thread is a plain platform
 * thread that nobody interrupts, so a client that hung would hang the test (the {@code @Timeout} is only there to
 * keep a broken build from hanging forever). The pom runs this class with {@code -Xmx32m}, so a client that buffered
 * a large body would fail with OutOfMemoryError.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PinnedHttpClientIT {
    /** The try's timeout: long enough for a loaded machine, short enough that a dripping server runs out of it. */
    private static final Duration TRY = Duration.ofSeconds(3);

    /** What the hostile server does with one connection, after reading the request head. */
    interface Behaviour {
        void serve(Socket socket, OutputStream out) throws IOException, InterruptedException;
    }

    private ServerSocket server;
    private Thread acceptor;

    @AfterEach
    void stop() throws IOException, InterruptedException {
        if (server != null) {
            server.close();
            acceptor.interrupt();
            acceptor.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** @param readRequest whether to read the request head first (not for TLS: the client's bytes are a ClientHello) */
    private int start(Behaviour behaviour, boolean readRequest) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    if (readRequest) {
                        readHead(socket.getInputStream());
                    }
                    behaviour.serve(socket, socket.getOutputStream());
                } catch (IOException | InterruptedException e) {
                    // The client gave up (reset, broken pipe) or the test is over: both are expected here.
                }
            }
        });
        return server.getLocalPort();
    }

    /** Reads up to the end of the request head, so the client is waiting for the answer when the behaviour starts. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int c; matched < 4 && (c = in.read()) >= 0; ) {
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
    }

    private JobOutcome call(int port, boolean https) {
        SsrfGuard.Resolver dns = host -> {
            if (host.equals("hostile.test")) {
                return List.of(InetAddress.getByName("127.0.0.1"));
            }
            throw new UnknownHostException(host);
        };
        SsrfGuard guard = new SsrfGuard(dns, true, List.of(), a -> a.getAddress().isLoopbackAddress() && a.getPort() == port);
        WebhookHandler handler = new WebhookHandler(guard, PinnedHttpClient.system(), Duration.ofSeconds(2), Clock.systemUTC());
        ObjectNode payload = Json.MAPPER.createObjectNode().put("url", (https ? "https" : "http") + "://hostile.test:" + port + "/hook");
        payload.putObject("body").put("event", "invoice.paid");
        JobEnvelope job = JobEnvelope.create("webhook", payload).withId("hostile-1");
        return handler.handle(job, new JobAttempt(job.id(), 1, Instant.now().plus(TRY)));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static Behaviour answer(String raw) {
        return (socket, out) -> write(out, raw);
    }

    /** Writes the text one byte a second. */
    private static Behaviour drip(String before, String dripped) {
        return (socket, out) -> {
            write(out, before);
            for (byte b : dripped.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
                Thread.sleep(1000);   // the hostile server's pace
            }
        };
    }

    /** Writes the head, then the same block over and over until the client hangs up. */
    private static Behaviour endless(String head, String block) {
        return (socket, out) -> {
            write(out, head);
            byte[] bytes = block.getBytes(StandardCharsets.ISO_8859_1);
            while (!Thread.currentThread().isInterrupted()) {
                out.write(bytes);
            }
        };
    }

    /** Writes the text and closes the connection (the try-with-resources of the acceptor). */
    private static Behaviour closeAfter(String raw) {
        return answer(raw);
    }

    /** Resets the connection (RST) without answering. */
    private static Behaviour reset() {
        return (socket, out) -> socket.setSoLinger(true, 0);
    }

    static Stream<Arguments> corpus() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
                // Bad status lines: never a number we make up, never a hang.
                Arguments.of("not HTTP at all", answer("SSH-2.0-OpenSSH_9.6\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("empty status line", answer("\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("status not a number", answer("HTTP/1.1 abc OK\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("status of four digits", answer("HTTP/1.1 2000 OK\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("status with a sign", answer("HTTP/1.1 +200 OK\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("status below 100", answer("HTTP/1.1 099 Odd\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("status above 599", answer("HTTP/1.1 600 Odd\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("HTTP/2 preface", answer("HTTP/2 200\r\n\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("status line that never ends", endless("HTTP/1.1 200 ", "x"), false, "Retry", "BadResponse"),
                Arguments.of("endless 100 Continue", endless("", "HTTP/1.1 100 Continue\r\n\r\n"), false, "Retry", "BadResponse"),
                // Header floods.
                Arguments.of("headers over 64 KiB", answer(ok + ("X-Pad: " + "p".repeat(1017) + "\r\n").repeat(80) + "\r\n"),
                        false, "Retry", "BadResponse"),
                Arguments.of("headers that never end", endless(ok, "X-Pad: " + "p".repeat(100) + "\r\n"), false, "Retry", "BadResponse"),
                Arguments.of("one header line over 16 KiB", answer(ok + "X-Pad: " + "p".repeat(20_000) + "\r\n\r\n"),
                        false, "Retry", "BadResponse"),
                // Bodies: the status counts, the body is read only as far as a snippet.
                Arguments.of("endless chunked body", endless(ok + "Transfer-Encoding: chunked\r\n\r\n", "1\r\na\r\n"),
                        false, "Succeeded", null),
                Arguments.of("endless chunk-size line", endless(ok + "Transfer-Encoding: chunked\r\n\r\n", "f"),
                        false, "Succeeded", null),
                Arguments.of("body of 50 MB", endless(ok + "Content-Length: 52428800\r\n\r\n", "b".repeat(8192)),
                        false, "Succeeded", null),
                Arguments.of("endless body, no length", endless(ok + "\r\n", "b".repeat(8192)), false, "Succeeded", null),
                Arguments.of("503 with a 50 MB body", endless("HTTP/1.1 503 Busy\r\nContent-Length: 52428800\r\n\r\n", "b".repeat(8192)),
                        false, "Retry", "Http503"),
                // A byte a second.
                Arguments.of("status line, a byte a second", drip("", "HTTP/1.1 200 OK\r\n\r\n"), false, "Retry", "Timeout"),
                Arguments.of("headers, a byte a second", drip(ok, "X-Slow: " + "s".repeat(40) + "\r\n\r\n"), false, "Retry", "Timeout"),
                Arguments.of("body, a byte a second, after a 200", drip(ok + "Content-Length: 100\r\n\r\n", "d".repeat(100)),
                        false, "Succeeded", null),
                Arguments.of("chunked body, a byte a second, after a 422", drip("HTTP/1.1 422 No\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "64\r\n" + "d".repeat(100)), false, "DeadLetter", "Http422"),
                // Connections closed half-way.
                Arguments.of("closed at once", closeAfter(""), false, "Retry", "IOError"),
                Arguments.of("reset at once", reset(), false, "Retry", "IOError"),
                Arguments.of("closed mid-status", closeAfter("HTTP/1.1 20"), false, "Retry", "IOError"),
                Arguments.of("closed mid-headers", closeAfter(ok + "Content-Type: text/plain\r\n"), false, "Retry", "IOError"),
                Arguments.of("closed mid-body after a 200", closeAfter(ok + "Content-Length: 1000\r\n\r\n0123456789"),
                        false, "Succeeded", null),
                Arguments.of("closed mid-body after a 503", closeAfter("HTTP/1.1 503 Busy\r\nContent-Length: 1000\r\n\r\nbusy"),
                        false, "Retry", "Http503"),
                Arguments.of("closed mid-chunk after a 200", closeAfter(ok + "Transfer-Encoding: chunked\r\n\r\n3e8\r\nabc"),
                        false, "Succeeded", null),
                // TLS.
                Arguments.of("TLS handshake that never comes", (Behaviour) (socket, out) -> Thread.sleep(TimeUnit.SECONDS.toMillis(30)),
                        true, "Retry", "Timeout"),
                Arguments.of("TLS handshake, a byte a second", drip("", "\u0016\u0003\u0003\u0000\u0040" + "x".repeat(64)), true,
                        "Retry", "Timeout"),
                Arguments.of("plain HTTP to a TLS client", answer(ok + "Content-Length: 0\r\n\r\n"), true, "Retry", "IOError"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileResponse_endsAsAClearOutcome_withinTheTrysDeadline(String name, Behaviour behaviour, boolean https,
                                                                  String kind, String errorClass) throws IOException {
        int port = start(behaviour, !https);

        JobOutcome outcome = call(port, https);

        assertThat(outcome.getClass().getSimpleName()).as(name + ": " + outcome).isEqualTo(kind);
        switch (outcome) {
            case JobOutcome.Retry retry -> assertThat(retry.errorClass()).as(name + ": " + retry.reason()).isEqualTo(errorClass);
            case JobOutcome.DeadLetter dead -> assertThat(dead.errorClass()).as(name + ": " + dead.reason()).isEqualTo(errorClass);
            case JobOutcome.Succeeded ignored -> assertThat(errorClass).isNull();
        }
    }
}
