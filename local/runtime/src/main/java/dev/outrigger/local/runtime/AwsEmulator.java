package dev.outrigger.local.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP endpoint for the AWS APIs (other than SQS) that local functions call. Requests are routed by the
 * service's SigV4 signing name, read from the Authorization header's credential scope
 * ({@code Credential=AKID/20250101/us-east-1/sns/aws4_request}); unsigned requests fall back to the X-Amz-Target
 * prefix. Functions reach it through AWS_ENDPOINT_URL.
 */
public final class AwsEmulator implements AutoCloseable {
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/[^/]+/([^/]+)/aws4_request");
    /** X-Amz-Target prefixes of the JSON protocols, for unsigned calls. */
    private static final Map<String, String> TARGET_PREFIXES = Map.of(
            "AWSEvents", "events", "AWSStepFunctions", "states", "GraniteServiceVersion20100801", "monitoring",
            "AmazonSSM", "ssm", "secretsmanager", "secretsmanager");
    /** Lambda's REST API has no X-Amz-Target: unsigned calls are known by their path. */
    private static final String LAMBDA_PATH = "/2015-03-31/functions/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, EmulatedService> services = new ConcurrentHashMap<>();

    private AwsEmulator(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static AwsEmulator start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        AwsEmulator emulator = new AwsEmulator(server, executor);
        server.createContext("/", emulator::dispatch);
        server.setExecutor(executor);
        server.start();
        return emulator;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Adds (or replaces) the handler for one service, keyed by its SigV4 signing name: "sns", "events",
     * "scheduler", "monitoring" (CloudWatch), "states" (Step Functions), "ssm", "secretsmanager".
     */
    public void register(String signingName, EmulatedService service) {
        services.put(signingName, service);
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String service = serviceOf(exchange.getRequestHeaders().getFirst("Authorization"), target);
            if (service == null && exchange.getRequestURI().getPath().startsWith(LAMBDA_PATH)) {
                service = "lambda";
            }
            EmulatorRequest request = new EmulatorRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body, service, target);
            EmulatedService handler = service == null ? null : services.get(service);
            EmulatorResponse response;
            if (handler == null) {
                response = EmulatorResponse.jsonError(400, "UnsupportedOperation",
                        "outrigger local runtime does not emulate service '" + service + "' (emulated: " + services.keySet() + ")");
            } else {
                try {
                    response = handler.handle(request);
                } catch (Exception e) {
                    response = EmulatorResponse.jsonError(500, "InternalFailure", e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            response.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (RuntimeException e) {
            byte[] msg = e.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, msg.length);
            exchange.getResponseBody().write(msg);
        }
    }

    static String serviceOf(String authorization, String target) {
        if (authorization != null) {
            Matcher m = SCOPE.matcher(authorization);
            if (m.find()) {
                return m.group(1);
            }
        }
        if (target != null) {
            int dot = target.indexOf('.');
            String prefix = dot < 0 ? target : target.substring(0, dot);
            return TARGET_PREFIXES.getOrDefault(prefix, prefix);
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
