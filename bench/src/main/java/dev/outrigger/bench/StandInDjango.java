package dev.outrigger.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Django's task endpoint for the benchmarks, on 127.0.0.1: reads the body, waits {@code delayMs}, answers 200
 * (503 for a task named {@code bench.flaky}, to drive the worker's retry path). Every request runs on its own virtual
 * thread, so concurrent calls overlap exactly as they would against a real server.
 */
public final class StandInDjango implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    public StandInDjango(int delayMs) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            long read;
            try (InputStream in = exchange.getRequestBody()) {
                read = in.transferTo(OutputStream.nullOutputStream());
            }
            requests.incrementAndGet();
            bytes.addAndGet(read);
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

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/internal/outrigger/";
    }

    public long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
