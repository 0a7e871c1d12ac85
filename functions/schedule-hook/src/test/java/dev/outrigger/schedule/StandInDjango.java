package dev.outrigger.schedule;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.RequestSigner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Django's hook endpoint as the signed-call contract describes it: verifies the v2 signature over the route the call
 * was sent to, the timestamp and that the body names that hook ({@link RequestSigner#verify}), treats a
 * repeated job id as already done (409), runs each hook once. {@code failFirst} answers 500 to that many calls;
 * a hook in {@code missing} gets Django's 404.
 */
final class StandInDjango implements AutoCloseable {
    record Call(String path, String jobId, String body, int status) {
    }

    private final HttpServer server;
    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    final ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
    private final Set<String> done = Collections.synchronizedSet(new HashSet<>());
    final AtomicInteger failFirst = new AtomicInteger();
    /** Hooks this Django does not have: answered 404 unknown_hook, as Django's hook endpoint does. */
    final Set<String> missing = Collections.synchronizedSet(new HashSet<>());

    private static final String BASE_PATH = "/internal/outrigger/";

    StandInDjango(String secret) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);   // room for 50 callers at once
        server.createContext(BASE_PATH + "hooks/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String route = ex.getRequestURI().getPath().substring(BASE_PATH.length());
            String jobId = ex.getRequestHeaders().getFirst(RequestSigner.JOB_ID_HEADER);
            int status;
            if (!RequestSigner.verify(secret, ex.getRequestMethod(), route,
                    ex.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                    ex.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), body,
                    System.currentTimeMillis() / 1000, 300)) {
                status = 401;
            } else if (missing.contains(route.substring("hooks/".length()))) {
                status = 404;
            } else if (failFirst.getAndDecrement() > 0) {
                status = 500;
            } else if (!done.add(jobId)) {
                status = 409;
            } else {
                ran.add(jobId);
                status = 200;
            }
            calls.add(new Call(ex.getRequestURI().getPath(), jobId, new String(body, StandardCharsets.UTF_8), status));
            String text = switch (status) {
                case 500 -> "{\"error\": \"database is locked\"}";
                case 404 -> "{\"error\": \"unknown_hook\", \"message\": \"no @outrigger_hook named '" + route.substring(6) + "'\"}";
                case 200 -> "{\"status\": \"done\", \"id\": \"" + jobId + "\", \"result\": {\"cleared\": true}}";
                default -> "{}";
            };
            byte[] answer = text.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
