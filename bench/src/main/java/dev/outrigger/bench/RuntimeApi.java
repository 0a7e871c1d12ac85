package dev.outrigger.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) on 127.0.0.1 for one cold
 * start of one function (the cold-start bench, and tests/' SamMakefileBuildIT, which runs each built handler once):
 * the runtime interface client's first {@code GET /2018-06-01/runtime/invocation/next} gets
 * the event with the {@code Lambda-Runtime-*} headers, its {@code POST …/<request id>/response} (or {@code …/error},
 * or {@code /runtime/init/error}) ends the measurement. A second {@code next} is held open until {@link #close()},
 * as Lambda holds it while the environment is frozen.
 *
 * <p>Times are {@link System#nanoTime()} of this (the parent) process, so they compare with the spawn time the
 * caller took just before starting the child.
 */
public final class RuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    /** What the function did: the response body, or the error the client reported. */
    public record Outcome(long nextAtNanos, long doneAtNanos, byte[] response, String error) {
        public boolean ok() {
            return error == null;
        }

        public String responseText() {
            return response == null ? "" : new String(response, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final byte[] event;
    private final String requestId;
    private final String functionArn;
    private final long timeoutMs;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long nextAtNanos;
    private volatile boolean delivered;

    public RuntimeApi(byte[] event, String requestId, String functionArn, long timeoutMs) throws IOException {
        this.event = event;
        this.requestId = requestId;
        this.functionArn = functionArn;
        this.timeoutMs = timeoutMs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** The AWS_LAMBDA_RUNTIME_API value: host and port, no scheme. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits for the function's response or error; fails at once, with its output, if the process ends first. */
    public Outcome await(Process process, Duration timeout, CharSequence output) throws Exception {
        CompletableFuture<Object> first = CompletableFuture.anyOf(outcome, process.onExit());
        try {
            first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no response from the function within " + timeout.toSeconds() + " s"
                    + (nextAtNanos == 0 ? " (it never asked for an invocation)" : "") + "\n" + ChildJvm.tail(output.toString(), 30));
        }
        if (!outcome.isDone()) {
            throw new IllegalStateException("the function's JVM exited (" + process.exitValue() + ") before responding:\n"
                    + ChildJvm.tail(output.toString(), 30));
        }
        return outcome.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("invocation/" + requestId + "/response")) {
                outcome.complete(new Outcome(nextAtNanos, System.nanoTime(), body, null));
                answer(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.equals("invocation/" + requestId + "/error")) {
                outcome.complete(new Outcome(nextAtNanos, System.nanoTime(), null, errorText(exchange, body)));
                answer(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.equals("init/error")) {
                outcome.complete(new Outcome(nextAtNanos, System.nanoTime(), null, "init error: " + errorText(exchange, body)));
                answer(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                outcome.complete(new Outcome(nextAtNanos, System.nanoTime(), null, "unexpected " + method + " " + exchange.getRequestURI()));
                answer(exchange, 404, "{\"errorMessage\":\"unknown path\",\"errorType\":\"InvalidRequest\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        if (delivered) {
            // The environment would be frozen here; the caller ends the process instead.
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        delivered = true;
        nextAtNanos = System.nanoTime();
        var headers = exchange.getResponseHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("Lambda-Runtime-Aws-Request-Id", requestId);
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + timeoutMs));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0");
        exchange.sendResponseHeaders(200, event.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(event);
        }
    }

    private static String errorText(HttpExchange exchange, byte[] body) {
        String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        return (type == null ? "" : type + ": ") + new String(body, StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
