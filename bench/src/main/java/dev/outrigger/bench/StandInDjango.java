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
 * Django's task endpoint for the benchmarks, on 127.0.0.1: reads the body, checks the call as Django does
 * ({@link RequestSigner#verify}: 401 and counted in {@link #badSignatures()} when wrong), waits {@code delayMs},
 * answers 200 (503 for a task named {@code bench.flaky}, to drive the worker's retry path). Every request runs on its
 * own virtual thread, so concurrent calls overlap exactly as they would against a real server.
 */
public final class StandInDjango implements AutoCloseable {
    /** The secret the benchmarked workers sign with. */
    public static final String SIGNING_SECRET = "bench-signing-secret";
    private static final String BASE_PATH = "/internal/outrigger/";

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();

    public StandInDjango(int delayMs) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.incrementAndGet();
            bytes.addAndGet(body.length);
            String path = exchange.getRequestURI().getPath();
            boolean valid = path.startsWith(BASE_PATH) && RequestSigner.verify(SIGNING_SECRET, exchange.getRequestMethod(),
                    path.substring(BASE_PATH.length()), exchange.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), body,
                    System.currentTimeMillis() / 1000, 300);
            if (!valid) {
                badSignatures.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs); // the simulated work of the endpoint, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            boolean flaky = path.endsWith("/bench.flaky");
            byte[] answer = (flaky ? "{\"error\":\"try later\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(flaky ? 503 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH;
    }

    public long requests() {
        return requests.get();
    }

    /** Calls refused because the signature, the route or the body's action did not verify. */
    public long badSignatures() {
        return badSignatures.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
