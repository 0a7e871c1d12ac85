package dev.outrigger.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Json;
import dev.outrigger.core.RequestSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A stand-in for Django's signed task endpoint ({@code POST <base>/tasks/<task>}) on 127.0.0.1, for the demo and
 * the end-to-end tests. It checks every request with {@link RequestSigner#verify} as {@code outrigger_django} does (the
 * v2 signature over the route it was sent to, the timestamp, the body naming that task; 401 when wrong) and answers
 * by task name:
 * <ul>
 *   <li>{@code demo.ok}: 200</li>
 *   <li>{@code demo.flaky}: 503 for the first {@code failures} calls of a job id (default 2), then 200</li>
 *   <li>{@code demo.reject}: 422 with a reason</li>
 *   <li>{@code demo.slow}: 200 after {@code payload.sleep_ms}</li>
 *   <li>anything else: 404</li>
 * </ul>
 */
public final class DemoDjango implements AutoCloseable {
    public static final String BASE_PATH = "/internal/outrigger/";
    public static final String REJECT_REASON = "invoice 42 is already closed";
    private static final long TOLERANCE_S = 300;

    /** One request as the stand-in saw it and answered it. */
    public record Call(String jobId, String task, int attempt, int status, boolean signatureValid, long atNanos, JsonNode payload) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String secret;
    private final int flakyFailures;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> flakyCounts = new ConcurrentHashMap<>();
    private final List<Consumer<Call>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger inProgress = new AtomicInteger();

    private DemoDjango(String secret, int flakyFailures) throws IOException {
        this.secret = secret;
        this.flakyFailures = flakyFailures;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext(BASE_PATH + "tasks/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static DemoDjango start(String secret) throws IOException {
        return new DemoDjango(secret, 2);
    }

    public static DemoDjango start(String secret, int flakyFailures) throws IOException {
        return new DemoDjango(secret, flakyFailures);
    }

    /** The DJANGO_BASE_URL the functions get, ending in a slash. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> callsFor(String jobId) {
        return calls.stream().filter(c -> jobId.equals(c.jobId())).toList();
    }

    /** Requests being handled right now (received, not yet answered). */
    public int inProgress() {
        return inProgress.get();
    }

    /** Called on the server's thread after each answer. */
    public void onCall(Consumer<Call> listener) {
        listeners.add(listener);
    }

    private void handle(HttpExchange ex) throws IOException {
        inProgress.incrementAndGet();
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String task = ex.getRequestURI().getPath().substring((BASE_PATH + "tasks/").length());
            String jobId = ex.getRequestHeaders().getFirst(RequestSigner.JOB_ID_HEADER);
            int attempt = parseInt(ex.getRequestHeaders().getFirst(RequestSigner.ATTEMPT_HEADER));
            boolean valid = RequestSigner.verify(secret, ex.getRequestMethod(),
                    ex.getRequestURI().getPath().substring(BASE_PATH.length()),
                    ex.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                    ex.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), body,
                    System.currentTimeMillis() / 1000, TOLERANCE_S);
            JsonNode payload = null;
            try {
                payload = Json.MAPPER.readTree(body).path("payload");
            } catch (IOException e) {
                valid = false;
            }
            int status;
            String answer;
            if (!"POST".equals(ex.getRequestMethod()) || !valid) {
                status = 401;
                answer = "{\"error\":\"bad signature\"}";
            } else {
                switch (task) {
                    case "demo.ok" -> {
                        status = 200;
                        answer = "{\"ok\":true}";
                    }
                    case "demo.flaky" -> {
                        int n = flakyCounts.computeIfAbsent(String.valueOf(jobId), k -> new AtomicInteger()).incrementAndGet();
                        status = n <= flakyFailures ? 503 : 200;
                        answer = status == 503 ? "{\"error\":\"database is busy\"}" : "{\"ok\":true}";
                    }
                    case "demo.reject" -> {
                        status = 422;
                        answer = "{\"error\":\"" + REJECT_REASON + "\"}";
                    }
                    case "demo.slow" -> {
                        sleep(payload == null ? 0 : payload.path("sleep_ms").asLong(0));
                        status = 200;
                        answer = "{\"ok\":true}";
                    }
                    default -> {
                        status = 404;
                        answer = "{\"error\":\"no task " + task.replace("\"", "") + "\"}";
                    }
                }
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
            Call call = new Call(jobId, task, attempt, status, valid, System.nanoTime(), payload);
            calls.add(call);
            listeners.forEach(l -> l.accept(call));
        } finally {
            inProgress.decrementAndGet();
        }
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.min(ms, 60_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
