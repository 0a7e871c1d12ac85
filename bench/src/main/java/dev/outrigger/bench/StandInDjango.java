package dev.outrigger.bench;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.RequestSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Django's task and hook endpoints for the benchmarks, on 127.0.0.1: reads the body, checks its signature as
 * outrigger_django does ({@link RequestSigner#verify}, 300 s window; 401 when it is wrong), waits {@code delayMs},
 * answers 200 (503 for a task named {@code bench.flaky}, to drive the worker's retry path). Every request runs on its
 * own virtual thread, so concurrent calls overlap exactly as they would against a real server. {@link #rejected()}
 * counts the 401s: a benchmark whose calls were not signed right measured the wrong path.
 */
public final class StandInDjango implements AutoCloseable {
    private static final String BASE_PATH = "/internal/outrigger/";

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public StandInDjango(int delayMs, String signingSecret) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.incrementAndGet();
            bytes.addAndGet(body.length);
            if (!signedRight(exchange, body, signingSecret)) {
                rejected.incrementAndGet();
                byte[] answer = "{\"error\":\"bad signature\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
                return;
            }
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs); // the simulated work of the endpoint, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            boolean flaky = exchange.getRequestURI().getPath().endsWith("/bench.flaky");
            byte[] answer = (flaky ? "{\"error\":\"try later\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(flaky ? 503 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    /** Checks the call as outrigger_django does: v2 over the method and the route, the body naming its action. */
    private static boolean signedRight(com.sun.net.httpserver.HttpExchange exchange, byte[] body, String secret) {
        String path = exchange.getRequestURI().getPath();
        return path.startsWith(BASE_PATH) && RequestSigner.verify(secret, exchange.getRequestMethod(),
                path.substring(BASE_PATH.length()), exchange.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                exchange.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), body,
                System.currentTimeMillis() / 1000, 300);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH;
    }

    public long requests() {
        return requests.get();
    }

    /** Requests answered 401 because their signature or timestamp was wrong. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
