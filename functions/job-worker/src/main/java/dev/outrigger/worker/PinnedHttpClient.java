package dev.outrigger.worker;

import dev.outrigger.core.HttpResult;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * identification). One request per connection ({@code Connection: close}); the response body is read only as far
 * as {@link #MAX_BODY_BYTES} (we need the status and a snippet, not the content).
 */
public final class PinnedHttpClient {
    static final int MAX_BODY_BYTES = 8 * 1024;
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

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
     */
    public HttpResult send(SsrfGuard.Target target, String method, Map<String, String> headers, byte[] body,
                           Duration connectTimeout, Instant deadline) throws IOException {
        IOException last = null;
        for (InetAddress address : target.addresses()) {
            long left = Duration.between(clock.instant(), deadline).toMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline reached before connecting to " + target.host());
            }
            Socket raw = new Socket();
            try {
                raw.connect(new InetSocketAddress(address, target.port()), (int) Math.max(1, Math.min(connectTimeout.toMillis(), left)));
            } catch (IOException e) {
                raw.close();
                last = e;
                continue;
            }
            try (Socket socket = target.https() ? tls(raw, target) : raw) {
                return exchange(socket, target, method, headers, body, deadline);
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

    private HttpResult exchange(Socket socket, SsrfGuard.Target target, String method, Map<String, String> headers,
                                byte[] body, Instant deadline) throws IOException {
        setTimeout(socket, deadline);
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
        while (true) {
            setTimeout(socket, deadline);
            String statusLine = readLine(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: " + truncate(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad status line: " + truncate(statusLine));
            }
            Map<String, List<String>> responseHeaders = readHeaders(in);
            if (status >= 100 && status < 200 && status != 101) {
                continue; // 100 Continue and other interim answers: the real one follows.
            }
            String responseBody = readBody(in, responseHeaders, socket, deadline);
            return new HttpResult(status, responseHeaders, responseBody);
        }
    }

    private void setTimeout(Socket socket, Instant deadline) throws IOException {
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("read timed out (the try's deadline)");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String line = readLine(in);
            if (line.isEmpty()) {
                return headers;
            }
            if (i >= MAX_HEADERS) {
                throw new IOException("too many response headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
    }

    private String readBody(InputStream in, Map<String, List<String>> headers, Socket socket, Instant deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
        List<String> length = headers.getOrDefault("content-length", List.of());
        try {
            if (encoding.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
                while (body.size() < MAX_BODY_BYTES) {
                    setTimeout(socket, deadline);
                    String sizeLine = readLine(in);
                    int semicolon = sizeLine.indexOf(';');
                    long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    copy(in, body, size, socket, deadline);
                    readLine(in);
                }
            } else if (!length.isEmpty()) {
                copy(in, body, Long.parseLong(length.get(0).trim()), socket, deadline);
            } else {
                copy(in, body, Long.MAX_VALUE, socket, deadline);
            }
        } catch (NumberFormatException e) {
            // A mangled length only spoils the snippet; the status is what counts.
        } catch (SocketTimeoutException e) {
            // The status arrived; a body that trickles past the deadline is not worth the try.
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private void copy(InputStream in, ByteArrayOutputStream out, long count, Socket socket, Instant deadline) throws IOException {
        byte[] buffer = new byte[4096];
        long left = count;
        while (left > 0 && out.size() < MAX_BODY_BYTES) {
            setTimeout(socket, deadline);
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
                if (line.size() == 0) {
                    throw new IOException("connection closed before a complete response");
                }
                break;
            }
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
            if (line.size() > MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
