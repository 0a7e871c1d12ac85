package dev.outrigger.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Json;
import dev.outrigger.core.RequestSigner;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Django's ops endpoints on 127.0.0.1, verifying every call the way Django does with {@link RequestSigner#verify}: the
 * v2 signature over the route it was sent to, the timestamp, and the body naming that action (401 when wrong).
 * Each path answers a configured status and body; calls are recorded.
 */
final class StandInDjango implements AutoCloseable {
    record Call(String path, JsonNode body, String jobId, boolean signatureValid) {
    }

    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final String secret;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();

    StandInDjango(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);   // room for 50 callers at once
        server.createContext("/internal/outrigger/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath().substring("/internal/outrigger/".length());
            boolean valid = RequestSigner.verify(secret, exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), body,
                    System.currentTimeMillis() / 1000, 300);
            calls.add(new Call(path, Json.MAPPER.readTree(body), exchange.getRequestHeaders()
                    .getFirst(RequestSigner.JOB_ID_HEADER), valid));
            Answer a = valid ? answers.getOrDefault(path, new Answer(404, "{\"error\":\"not_found\"}"))
                    : new Answer(401, "{\"error\":\"unauthorized\",\"message\":\"bad signature\"}");
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    StandInDjango answer(String path, int status, String body) {
        answers.put(path, new Answer(status, body));
        return this;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/internal/outrigger/");
    }

    String secret() {
        return secret;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
