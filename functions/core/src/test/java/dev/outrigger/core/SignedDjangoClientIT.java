package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signed POST on the wire, against a server on 127.0.0.1 that recomputes the v2 signature from the path the
 * request actually arrived at: the URL and the signed route are one value.
 */
class SignedDjangoClientIT {
    private static final String SECRET = "client-it-secret";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    record Seen(String method, String path, String timestamp, String signature, byte[] body) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                    ex.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SignedDjangoClient client(String basePath) {
        return new SignedDjangoClient(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + basePath),
                new SecretSources.Cached(() -> SECRET, "test"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** What the stand-ins do: the route is the request path relative to the base path. */
    private static boolean verifiesAtItsPath(Seen s, String basePath) {
        return s.path().startsWith(basePath) && RequestSigner.verify(SECRET, s.method(), s.path().substring(basePath.length()),
                s.timestamp(), s.signature(), s.body(), NOW.getEpochSecond(), 300);
    }

    @Test
    void post_signsTheRouteItPostsTo_forEveryKindOfRoute() throws Exception {
        SignedDjangoClient client = client("/internal/outrigger/");
        ObjectNode task = DjangoRoute.task("reports.generate").newBody().put("id", "job-1");
        ObjectNode hook = DjangoRoute.hook("hook:weekly.report").newBody().put("id", "hook:weekly.report:2026-03-01T10:00:00Z");
        ObjectNode maintenance = DjangoRoute.MAINTENANCE.newBody().put("enabled", true).put("reason", "cutover");
        ObjectNode verify = DjangoRoute.VERIFY_WRITES.newBody();

        client.post(DjangoRoute.task("reports.generate"), task, "job-1", 1, Duration.ofSeconds(5));
        client.post(DjangoRoute.hook("hook:weekly.report"), hook, "h", 1, Duration.ofSeconds(5));
        client.post(DjangoRoute.MAINTENANCE, maintenance, "m", 1, Duration.ofSeconds(5));
        client.post(DjangoRoute.VERIFY_WRITES, verify, "v", 1, Duration.ofSeconds(5));

        assertThat(seen).extracting(Seen::path).containsExactly("/internal/outrigger/tasks/reports.generate",
                "/internal/outrigger/hooks/hook:weekly.report", "/internal/outrigger/maintenance",
                "/internal/outrigger/verify-writes");
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.method()).isEqualTo("POST");
            assertThat(s.timestamp()).isEqualTo(Long.toString(NOW.getEpochSecond()));
            assertThat(s.signature()).startsWith("v2=");
            assertThat(verifiesAtItsPath(s, "/internal/outrigger/")).as(s.path()).isTrue();
        });
        assertThat(new String(seen.get(2).body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"action\":\"maintenance\",\"enabled\":true,\"reason\":\"cutover\"}");
        // each signature is bound to its own route: moved to another path, it no longer verifies
        Seen taskCall = seen.get(0);
        Seen moved = new Seen("POST", "/internal/outrigger/hooks/reports.generate", taskCall.timestamp(),
                taskCall.signature(), taskCall.body());
        assertThat(verifiesAtItsPath(moved, "/internal/outrigger/")).isFalse();
    }

    @Test
    void post_underABaseWithoutTrailingSlash_signsTheSameRelativeRoute() throws Exception {
        client("/prefix/outrigger").post(DjangoRoute.VERIFY_WRITES, DjangoRoute.VERIFY_WRITES.newBody(), "v", 1,
                Duration.ofSeconds(5));
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("/prefix/outrigger/verify-writes");
            assertThat(verifiesAtItsPath(s, "/prefix/outrigger/")).isTrue();
        });
    }

    @Test
    void post_aBodyThatDoesNotNameTheRoutesAction_isRefusedBeforeAnythingIsSent() {
        SignedDjangoClient client = client("/internal/outrigger/");
        ObjectNode taskBody = DjangoRoute.task("reports.generate").newBody().put("id", "job-1");
        assertThatThrownBy(() -> client.post(DjangoRoute.hook("reports.generate"), taskBody, "j", 1, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"hook\": \"reports.generate\"");
        assertThatThrownBy(() -> client.post(DjangoRoute.MAINTENANCE, Json.MAPPER.createObjectNode().put("enabled", true),
                "m", 1, Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.post(DjangoRoute.task("reports.other"), taskBody, "j", 1, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(seen).isEmpty();
    }
}
