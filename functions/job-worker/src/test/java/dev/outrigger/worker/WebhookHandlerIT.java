package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook handler against a real HTTP server on 127.0.0.1. Loopback is refused in production, so the guard here
 * exempts exactly this server's address and port: the first hop is real, and every redirect target is checked by the
 * real rules. Host names resolve through a fake DNS: "hooks.test" → 127.0.0.1 (the server, proving the connection is
 * pinned to the vetted address: no real DNS knows that name), "internal.test" → 10.0.0.5.
 */
class WebhookHandlerIT {
    record Seen(String method, String path, Map<String, List<String>> headers, String body) {
    }

    private HttpServer server;
    private int port;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        port = server.getAddress().getPort();
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            seen.add(new Seen(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            switch (path) {
                case "/ok" -> exchange.sendResponseHeaders(204, -1);
                case "/to-metadata" -> redirect(exchange, 302, "http://169.254.169.254/latest/meta-data/iam/");
                case "/to-internal" -> redirect(exchange, 307, "http://internal.test:" + port + "/ok");
                case "/to-decimal" -> redirect(exchange, 302, "http://2130706433:" + port + "/ok");
                case "/see-other" -> redirect(exchange, 303, "/ok");
                case "/loop" -> redirect(exchange, 302, "/loop");
                case "/busy" -> {
                    exchange.getResponseHeaders().add("Retry-After", "7");
                    exchange.sendResponseHeaders(503, -1);
                }
                case "/gone" -> exchange.sendResponseHeaders(410, -1);
                default -> exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private WebhookHandler handler(Predicate<InetSocketAddress> exempt) {
        SsrfGuard.Resolver dns = host -> switch (host) {
            case "hooks.test" -> List.of(InetAddress.getByName("127.0.0.1"));
            case "internal.test" -> List.of(InetAddress.getByName("10.0.0.5"));
            default -> throw new UnknownHostException(host);
        };
        return new WebhookHandler(new SsrfGuard(dns, true, List.of(), exempt), PinnedHttpClient.system(),
                Duration.ofSeconds(2), Clock.systemUTC());
    }

    private WebhookHandler handler() {
        return handler(a -> a.getAddress().isLoopbackAddress() && a.getPort() == port);
    }

    private JobOutcome call(WebhookHandler handler, ObjectNode payload) {
        JobEnvelope job = JobEnvelope.create("webhook", payload).withId("job-42");
        return handler.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5)));
    }

    private ObjectNode payload(String path) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("url", "http://hooks.test:" + port + path);
        payload.putObject("headers").put("X-Tenant", "acme").put("Authorization", "Bearer t0ken");
        payload.putObject("body").put("event", "invoice.paid");
        return payload;
    }

    @Test
    void post_reachesThePinnedAddress_withIdempotencyKey_andSucceeds() {
        JobOutcome outcome = call(handler(), payload("/ok"));
        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.headers().get("Host")).containsExactly("hooks.test:" + port);
        assertThat(request.headers().get("Idempotency-key")).containsExactly("job-42");
        assertThat(request.headers().get("X-tenant")).containsExactly("acme");
        assertThat(request.headers().get("Content-type")).containsExactly("application/json");
        assertThat(request.body()).isEqualTo("{\"event\":\"invoice.paid\"}");
    }

    @Test
    void redirect_toTheMetadataAddress_isRefused_afterOneRequest() {
        JobOutcome outcome = call(handler(), payload("/to-metadata"));
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> {
            assertThat(d.errorClass()).isEqualTo("SsrfRefused");
            assertThat(d.reason()).contains("redirect 1").contains("169.254.169.254");
        });
        assertThat(seen).hasSize(1);
    }

    @Test
    void redirect_toANameResolvingPrivate_isRefused() {
        JobOutcome outcome = call(handler(), payload("/to-internal"));
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.reason()).contains("internal.test resolves to 10.0.0.5"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void redirect_toAnOddSpellingOfLoopback_isRefused_evenThoughThatServerIsExempt() {
        JobOutcome outcome = call(handler(), payload("/to-decimal"));
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.reason()).contains("ambiguous IPv4 spelling"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void seeOther_isFollowedAsGet_withoutTheBody() {
        assertThat(call(handler(), payload("/see-other"))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(seen).extracting(Seen::method, Seen::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("POST", "/see-other"), org.assertj.core.groups.Tuple.tuple("GET", "/ok"));
        assertThat(seen.get(1).body()).isEmpty();
        assertThat(seen.get(1).headers().get("Idempotency-key")).containsExactly("job-42");
    }

    @Test
    void redirectLoop_stopsAfterThreeRedirects() {
        JobOutcome outcome = call(handler(), payload("/loop"));
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.errorClass()).isEqualTo("TooManyRedirects"));
        assertThat(seen).hasSize(4);
    }

    @Test
    void busy_isRetried_honouringRetryAfter() {
        assertThat(call(handler(), payload("/busy"))).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void gone_isPermanent() {
        assertThat(call(handler(), payload("/gone"))).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.errorClass()).isEqualTo("Http410"));
    }

    @Test
    void loopback_withoutTheExemption_isRefused_beforeAnyRequest() {
        assertThat(call(handler(a -> false), payload("/ok"))).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.reason()).contains("loopback"));
        assertThat(seen).isEmpty();
    }

    @Test
    void reservedOrInjectedHeaders_areRefused_beforeAnyRequest() {
        ObjectNode hostOverride = payload("/ok");
        ((ObjectNode) hostOverride.get("headers")).put("Host", "evil.example");
        ObjectNode keyOverride = payload("/ok");
        ((ObjectNode) keyOverride.get("headers")).put("idempotency-key", "other");
        ObjectNode injected = payload("/ok");
        ((ObjectNode) injected.get("headers")).put("X-A", "1\r\nX-Injected: 2");
        for (ObjectNode payload : List.of(hostOverride, keyOverride, injected)) {
            assertThat(call(handler(), payload)).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                    d -> assertThat(d.errorClass()).isEqualTo("InvalidPayload"));
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void connectionRefused_isTransient() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        WebhookHandler handler = handler(a -> a.getAddress().isLoopbackAddress());
        ObjectNode payload = Json.MAPPER.createObjectNode().put("url", "http://hooks.test:" + closedPort + "/ok");
        assertThat(call(handler, payload)).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.errorClass()).isEqualTo("ConnectionRefused"));
    }
}
