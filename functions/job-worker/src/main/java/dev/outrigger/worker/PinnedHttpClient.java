package dev.outrigger.worker;

import dev.outrigger.core.HttpResult;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small HTTP/1.1 client that connects to an address the {@link SsrfGuard} vetted, never to a fresh DNS answer.
 *
 * <p>Why not java.net.http or HttpsURLConnection: both resolve the host themselves at connect time, so a DNS answer
 * that changes between the check and the connect (DNS rebinding) would reach an address nobody checked; and
 * connecting them to the IP instead breaks Host, SNI and certificate checks (HttpURLConnection refuses a custom Host
 * header unless a JVM-wide system property is set). Here the TCP socket goes to the vetted address and TLS is layered
 * on it with the original host name for SNI and for the certificate's hostname verification ("HTTPS" endpoint
 * identification). One request per connection ({@code Connection: close}).
 *
 * <p>The other side is untrusted, so every call ends by itself, clearly, within the try's deadline:
 * <ul>
 *   <li>no read outlasts the deadline, the TLS handshake's included ({@link DeadlineSocket}): a server that stalls or
 *       sends a byte a second ends as a timeout;</li>
 *   <li>a status line that is not {@code HTTP/1.x} and three digits from 100 to 599, a line over
 *       {@value #MAX_LINE} bytes, headers over {@value #MAX_HEADER_BYTES} bytes in all, more than
 *       {@value #MAX_INTERIM} interim (1xx) answers are a {@link ProtocolException};</li>
 *   <li>once the status and headers are in, they are the answer: the body is read for a snippet only, at most
 *       {@value #MAX_BODY_BYTES} bytes and for at most {@link #BODY_BUDGET}, and a body that is endless, trickles, is
 *       malformed or is cut off changes nothing.</li>
 * </ul>
 * Writes are the one thing a socket timeout cannot bound (a peer that never reads); the worker runs tries on virtual
 * threads and interrupts them at the deadline, which closes a blocked socket.
 */
public final class PinnedHttpClient {
    static final int MAX_BODY_BYTES = 8 * 1024;
    static final int MAX_LINE = 16 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_INTERIM = 10;
    /** How long the body may take once the status and headers are in: it is only read for a snippet. */
    static final Duration BODY_BUDGET = Duration.ofSeconds(1);

    private final SSLSocketFactory tls;
    private final Clock clock;

    public PinnedHttpClient(SSLSocketFactory tls, Clock clock) {
        this.tls = tls;
        this.clock = clock;
    }

    public static PinnedHttpClient system() {
        return new PinnedHttpClient((SSLSocketFactory) SSLSocketFactory.getDefault(), Clock.systemUTC());
    }

    /**
     * Sends one request to the target's vetted addresses (tried in order until one connects).
     *
     * @param headers already validated: no CR/LF, no framing headers
     * @throws SocketTimeoutException when the deadline passes first; {@link ProtocolException} for an answer that is
     *                                not HTTP/1.x or breaks the limits above; another IOException when the connection fails
     */
    public HttpResult send(SsrfGuard.Target target, String method, Map<String, String> headers, byte[] body,
                           Duration connectTimeout, Instant deadline) throws IOException {
        IOException last = null;
        for (InetAddress address : target.addresses()) {
            long left = Duration.between(clock.instant(), deadline).toMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline reached before connecting to " + target.host());
            }
            DeadlineSocket raw = new DeadlineSocket(clock, deadline);
            try {
                raw.connect(new InetSocketAddress(address, target.port()), (int) Math.max(1, Math.min(connectTimeout.toMillis(), left)));
            } catch (IOException e) {
                raw.close();
                last = e;
                continue;
            }
            try (Socket socket = target.https() ? tls(raw, target) : raw) {
                return exchange(socket, raw, target, method, headers, body, deadline);
            }
        }
        throw last != null ? last : new ConnectException("no address to connect to for " + target.host());
    }

    private Socket tls(Socket raw, SsrfGuard.Target target) throws IOException {
        try {
            SSLSocket ssl = (SSLSocket) tls.createSocket(raw, target.host(), target.port(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!target.host().startsWith("[") && !Character.isDigit(target.host().charAt(target.host().length() - 1))) {
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
            }
            ssl.setSSLParameters(parameters);
            return ssl;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private HttpResult exchange(Socket socket, DeadlineSocket raw, SsrfGuard.Target target, String method,
                                Map<String, String> headers, byte[] body, Instant deadline) throws IOException {
        if (socket instanceof SSLSocket ssl) {
            ssl.startHandshake();
        }
        StringBuilder head = new StringBuilder();
        String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty() ? "/" : target.uri().getRawPath();
        if (target.uri().getRawQuery() != null) {
            path += "?" + target.uri().getRawQuery();
        }
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean defaultPort = target.port() == (target.https() ? 443 : 80);
        head.append("Host: ").append(target.host()).append(defaultPort ? "" : ":" + target.port()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n");
        if (body.length > 0 || !method.equals("GET")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();

        InputStream in = new BufferedInputStream(socket.getInputStream());
        for (int interim = 0; ; interim++) {
            int status = status(readLine(in));
            Map<String, List<String>> responseHeaders = readHeaders(in);
            if (status >= 100 && status < 200 && status != 101) {
                // 100 Continue and other interim answers: the real one follows, but not forever.
                if (interim >= MAX_INTERIM) {
                    throw new ProtocolException("more than " + MAX_INTERIM + " interim (1xx) responses");
                }
                continue;
            }
            Instant bodyDeadline = clock.instant().plus(BODY_BUDGET);
            raw.deadline(bodyDeadline.isBefore(deadline) ? bodyDeadline : deadline);
            return new HttpResult(status, responseHeaders, readBody(in, responseHeaders));
        }
    }

    /** The status code of an HTTP/1.x status line: three digits, 100 to 599 (RFC 9110, section 15). */
    private static int status(String statusLine) throws ProtocolException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new ProtocolException("not an HTTP/1.x response: " + truncate(statusLine));
        }
        String code = parts[1];
        if (code.length() != 3 || !Character.isDigit(code.charAt(0)) || !Character.isDigit(code.charAt(1))
                || !Character.isDigit(code.charAt(2)) || code.charAt(0) < '1' || code.charAt(0) > '5') {
            throw new ProtocolException("bad status line: " + truncate(statusLine));
        }
        return Integer.parseInt(code);
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int bytes = 0;
        while (true) {
            String line = readLine(in);
            if (line.isEmpty()) {
                return headers;
            }
            bytes += line.length() + 2;
            if (bytes > MAX_HEADER_BYTES) {
                throw new ProtocolException("response headers larger than " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
    }

    /** As much of the body as a snippet needs; whatever goes wrong while reading it only shortens the snippet. */
    private static String readBody(InputStream in, Map<String, List<String>> headers) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
        List<String> length = headers.getOrDefault("content-length", List.of());
        try {
            if (encoding.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
                while (body.size() < MAX_BODY_BYTES) {
                    String sizeLine = readLine(in);
                    int semicolon = sizeLine.indexOf(';');
                    long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    copy(in, body, size);
                    readLine(in);
                }
            } else if (!length.isEmpty()) {
                copy(in, body, Long.parseLong(length.get(0).trim()));
            } else {
                copy(in, body, Long.MAX_VALUE);
            }
        } catch (IOException | NumberFormatException e) {
            // Cut off, trickling past its budget, endless or mangled: the status arrived, and it is the answer.
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, long count) throws IOException {
        byte[] buffer = new byte[4096];
        long left = count;
        while (left > 0 && out.size() < MAX_BODY_BYTES) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, Math.min(left, MAX_BODY_BYTES - out.size())));
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                // Lines end with a line break: a peer that closes before it has cut its answer off.
                throw new IOException("connection closed before a complete response");
            }
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
            if (line.size() > MAX_LINE) {
                throw new ProtocolException("response line longer than " + MAX_LINE + " bytes");
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    /**
     * A TCP socket none of whose reads outlasts a deadline: before each read its timeout is set to the time left, and
     * a read that would start after the deadline fails at once. A TLS socket layered on it reads through
     * {@link #getInputStream()} too (the JDK's layered SSLSocket does), so a handshake that stalls or trickles is
     * bounded like everything else.
     */
    static final class DeadlineSocket extends Socket {
        private final Clock clock;
        private volatile Instant deadline;
        private InputStream in;

        DeadlineSocket(Clock clock, Instant deadline) {
            this.clock = clock;
            this.deadline = deadline;
        }

        /** Moves the deadline (earlier, for the body's budget). */
        void deadline(Instant newDeadline) {
            this.deadline = newDeadline;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        arm();
                        return super.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        arm();
                        return super.read(b, off, len);
                    }
                };
            }
            return in;
        }

        private void arm() throws IOException {
            long left = Duration.between(clock.instant(), deadline).toMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("read timed out (the try's deadline)");
            }
            setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        }
    }
}
