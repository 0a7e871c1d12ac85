package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import dev.outrigger.core.RequestSigner;
import dev.outrigger.core.SecretSource;
import dev.outrigger.core.SignedDjangoClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code django.task} through the real {@link SignedDjangoClient} to a Django stand-in on 127.0.0.1 (JDK HttpServer):
 * what goes on the wire, and what each answer becomes.
 */
class DjangoTaskHandlerIT {
    static final String SECRET = "test-signing-secret-0123456789";
    static final String BASE_PATH = "/internal/outrigger/";

    record Seen(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** What the stand-in answers next. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private HttpServer server;
    private ExecutorService serverThreads;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Answer answer = new Answer(200, Map.of(), "{\"ok\":true}");
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;
    private DjangoTaskHandler handler;

    private static final SecretSource SECRET_SOURCE = new SecretSource() {
        @Override
        public String secret() {
            return SECRET;
        }

        @Override
        public void refresh() {
        }
    };

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body));
            if (hang) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer a = answer;
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
        handler = handlerFor(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH));
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static DjangoTaskHandler handlerFor(URI base) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new DjangoTaskHandler(new SignedDjangoClient(http, base, SECRET_SOURCE), Clock.systemUTC());
    }

    private static JobEnvelope job(String task) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("task", task);
        payload.putArray("args").add(2026).add(1);
        payload.putObject("kwargs").put("format", "pdf");
        return new JobEnvelope(1, "job-django-0001", DjangoTaskHandler.TYPE, payload, Instant.parse("2026-01-01T00:00:00Z"),
                5, 20, Map.of("request_id", "req-123"));
    }

    private JobOutcome run(JobEnvelope job, int attempt, Duration budget) {
        return handler.handle(job, new JobAttempt(job.id(), attempt, Instant.now().plus(budget)));
    }

    private JobOutcome run(String task) {
        return run(job(task), 1, Duration.ofSeconds(2));
    }

    // ---- the request ----

    @Test
    void handle_postsTheSignedBodyToTasksSlashName() throws Exception {
        JobEnvelope job = job("reports.generate");
        long before = Instant.now().getEpochSecond();
        assertThat(run(job, 3, Duration.ofSeconds(2))).isEqualTo(new JobOutcome.Succeeded("200"));
        long after = Instant.now().getEpochSecond();

        Seen request = seen.get(0);
        assertThat(seen).hasSize(1);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/internal/outrigger/tasks/reports.generate");
        assertThat(request.rawQuery()).isNull();
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header(RequestSigner.JOB_ID_HEADER)).isEqualTo("job-django-0001");
        assertThat(request.header(RequestSigner.ATTEMPT_HEADER)).isEqualTo("3");

        JsonNode body = Json.MAPPER.readTree(request.body());
        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("task", "id", "payload", "attempt", "meta");
        assertThat(body.get("id").asText()).isEqualTo("job-django-0001");
        assertThat(body.get("task").asText()).isEqualTo("reports.generate");
        assertThat(body.get("payload")).isEqualTo(job.payload());
        assertThat(body.get("attempt").isInt()).isTrue();
        assertThat(body.get("attempt").asInt()).isEqualTo(3);
        assertThat(body.get("meta")).isEqualTo(Json.MAPPER.readTree("{\"request_id\":\"req-123\"}"));

        String timestamp = request.header(RequestSigner.TIMESTAMP_HEADER);
        assertThat(Long.parseLong(timestamp)).isBetween(before, after);
        String signature = request.header(RequestSigner.SIGNATURE_HEADER);
        // What Django recomputes: v2 over the method and the route the request arrived at, relative to the base URL.
        String route = request.path().substring(BASE_PATH.length());
        assertThat(route).isEqualTo("tasks/reports.generate");
        assertThat(signature).startsWith("v2=");
        assertThat(RequestSigner.verify(SECRET, request.method(), route, timestamp, signature, request.body(), after, 300)).isTrue();
        // The signature covers the exact bytes, the timestamp and the route: any change breaks it.
        byte[] tampered = new String(request.body(), StandardCharsets.UTF_8).replace("\"attempt\":3", "\"attempt\":1")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(request.body());
        assertThat(RequestSigner.verify(SECRET, request.method(), route, timestamp, signature, tampered, after, 300)).isFalse();
        assertThat(RequestSigner.verify(SECRET, request.method(), route, Long.toString(Long.parseLong(timestamp) + 1),
                signature, request.body(), after, 300)).isFalse();
        assertThat(RequestSigner.verify(SECRET, request.method(), "tasks/reports.other", timestamp, signature, request.body(),
                after, 300)).isFalse();
        assertThat(RequestSigner.verify(SECRET, request.method(), "hooks/reports.generate", timestamp, signature,
                request.body(), after, 300)).isFalse();
        assertThat(RequestSigner.verify("another-secret", request.method(), route, timestamp, signature, request.body(),
                after, 300)).isFalse();
        // The secret itself is never sent.
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
        assertThat(request.headers().values().stream().flatMap(List::stream)).noneMatch(v -> v.contains(SECRET));
    }

    @Test
    void handle_tellsDjangoTheLastAttemptTheWorkerAllows_whenKnown() throws Exception {
        JobEnvelope job = job("reports.generate");
        JobAttempt attempt = new JobAttempt(job.id(), 2, Instant.now().plusSeconds(2), () -> java.util.OptionalInt.of(5));
        assertThat(handler.handle(job, attempt)).isInstanceOf(JobOutcome.Succeeded.class);
        JsonNode body = Json.MAPPER.readTree(seen.get(0).body());
        assertThat(body.properties()).extracting(Map.Entry::getKey)
                .containsExactly("task", "id", "payload", "attempt", "max_attempts", "meta");
        assertThat(body.get("max_attempts").asInt()).isEqualTo(5);
    }

    @Test
    void handle_jobWithoutMetaArgsOrKwargs_sendsEmptyMeta() throws Exception {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("task", "cleanup");
        JobEnvelope job = JobEnvelope.create(DjangoTaskHandler.TYPE, payload);
        assertThat(run(job, 1, Duration.ofSeconds(2))).isInstanceOf(JobOutcome.Succeeded.class);
        JsonNode body = Json.MAPPER.readTree(seen.get(0).body());
        assertThat(body.get("meta").isObject()).isTrue();
        assertThat(body.get("meta").isEmpty()).isTrue();
        assertThat(body.get("payload")).isEqualTo(payload);
        assertThat(seen.get(0).path()).isEqualTo("/internal/outrigger/tasks/cleanup");
    }

    @Test
    void handle_baseUrlWithoutTrailingSlash_stillResolvesUnderTheBasePath() {
        handler = handlerFor(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/internal/outrigger"));
        assertThat(run("reports.generate")).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(seen.get(0).path()).isEqualTo("/internal/outrigger/tasks/reports.generate");
    }

    // ---- task names ----

    @ParameterizedTest
    @ValueSource(strings = {"reports.generate", "cleanup", "app_1.do-thing", "A.B.C", "_private.task", "billing:charge"})
    void handle_validTaskName_isPostedUnchanged_andSignedForThatRoute(String task) {
        assertThat(run(task)).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("/internal/outrigger/tasks/" + task);
            assertThat(RequestSigner.verify(SECRET, s.method(), s.path().substring(BASE_PATH.length()),
                    s.header(RequestSigner.TIMESTAMP_HEADER), s.header(RequestSigner.SIGNATURE_HEADER), s.body(),
                    Instant.now().getEpochSecond(), 300)).isTrue();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"../admin", "..", ".", "", " ", "reports/../../admin", "reports/generate", "%2e%2e/admin",
            "..%2fadmin", "reports..generate", ".hidden", "reports.", "-flag", "a b", "task?x=1", "task#frag", "tâche",
            "reports\\generate", "http://evil.example/x", "//evil.example/x", "task\nInjected: 1", "a;b", "~root"})
    void handle_unsafeOrOddTaskName_isDeadLettered_andNothingIsSent(String task) {
        assertThat(run(task)).isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> {
            assertThat(d.errorClass()).isEqualTo("InvalidPayload");
            assertThat(d.reason()).startsWith("payload.task:");
        });
        assertThat(seen).isEmpty();
    }

    @Test
    void handle_taskNameTooLong_isDeadLettered() {
        int max = DjangoTaskHandler.TASK_NAME.maxLength();
        assertThat(max).as("the schema's $defs/taskName").isEqualTo(128);
        assertThat(run("a".repeat(max))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(run("a".repeat(max + 1))).isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> assertThat(d.reason())
                .isEqualTo("payload.task: not a task name (1 to 128 characters matching " + DjangoTaskHandler.TASK_NAME.source() + ")"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void handle_missingOrNonStringTask_orBadArgs_isDeadLettered() {
        ObjectNode noTask = Json.MAPPER.createObjectNode();
        assertThat(run(JobEnvelope.create(DjangoTaskHandler.TYPE, noTask), 1, Duration.ofSeconds(2)))
                .isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.task: required, a string"));
        ObjectNode numeric = Json.MAPPER.createObjectNode().put("task", 42);
        assertThat(run(JobEnvelope.create(DjangoTaskHandler.TYPE, numeric), 1, Duration.ofSeconds(2)))
                .isInstanceOf(JobOutcome.DeadLetter.class);
        ObjectNode args = Json.MAPPER.createObjectNode().put("task", "ok").put("args", "not-a-list");
        assertThat(run(JobEnvelope.create(DjangoTaskHandler.TYPE, args), 1, Duration.ofSeconds(2)))
                .isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.args: must be an array"));
        ObjectNode kwargs = Json.MAPPER.createObjectNode().put("task", "ok");
        kwargs.putArray("kwargs");
        assertThat(run(JobEnvelope.create(DjangoTaskHandler.TYPE, kwargs), 1, Duration.ofSeconds(2)))
                .isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.kwargs: must be an object"));
        assertThat(seen).isEmpty();
    }

    // ---- answers ----

    @Test
    void handle_409_isAlreadyDone() {
        answer = new Answer(409, Map.of(), "{\"detail\":\"job already done\"}");
        assertThat(run("reports.generate")).isEqualTo(new JobOutcome.Succeeded("409 already done"));
    }

    @Test
    void handle_422_isDeadLettered() {
        answer = new Answer(422, Map.of(), "{\"error\":\"unknown task\"}");
        assertThat(run("reports.generate")).isEqualTo(new JobOutcome.DeadLetter("Http422", "HTTP 422: {\"error\":\"unknown task\"}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410})
    void handle_permanent4xx_isDeadLettered(int status) {
        answer = new Answer(status, Map.of(), "");
        assertThat(run("reports.generate")).isEqualTo(new JobOutcome.DeadLetter("Http" + status, "HTTP " + status));
    }

    @Test
    void handle_429WithRetryAfterSeconds_retriesAfterThatLong() {
        answer = new Answer(429, Map.of("Retry-After", "17"), "slow down");
        assertThat(run("reports.generate")).isEqualTo(new JobOutcome.Retry("Http429", "HTTP 429: slow down", Duration.ofSeconds(17)));
    }

    @Test
    void handle_503WithRetryAfterDate_retriesAfterAboutThatLong() {
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(120).atZone(ZoneOffset.UTC));
        answer = new Answer(503, Map.of("Retry-After", inTwoMinutes), "");
        assertThat(run("reports.generate")).isInstanceOfSatisfying(JobOutcome.Retry.class, r -> {
            assertThat(r.errorClass()).isEqualTo("Http503");
            assertThat(r.retryAfter()).isBetween(Duration.ofSeconds(110), Duration.ofSeconds(121));
        });
    }

    @Test
    void handle_500_retriesWithTheWorkersBackoff() {
        answer = new Answer(500, Map.of(), "<html>Server Error</html>");
        assertThat(run("reports.generate")).isEqualTo(new JobOutcome.Retry("Http500", "HTTP 500: <html>Server Error</html>", null));
    }

    @Test
    void handle_hugeErrorBody_onlyAShortSnippetReachesTheReason() {
        String tail = "SECRET-TAIL-never-in-the-reason";
        answer = new Answer(500, Map.of(), "Traceback (most recent call last):\n" + "  File \"x.py\", line 1\n".repeat(2_000) + tail);
        assertThat(run("reports.generate")).isInstanceOfSatisfying(JobOutcome.Retry.class, r -> {
            assertThat(r.reason()).startsWith("HTTP 500: Traceback").doesNotContain(tail).doesNotContain("\n");
            assertThat(r.reason().length()).isLessThanOrEqualTo("HTTP 500: ".length() + 201);
        });
    }

    @Test
    void handle_connectionRefused_retriesAsConnectionRefused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        handler = handlerFor(URI.create("http://127.0.0.1:" + closedPort + BASE_PATH));
        assertThat(run("reports.generate")).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.errorClass()).isEqualTo("ConnectionRefused"));
    }

    @Test
    void handle_djangoSlowerThanTheTry_retriesAsTimeout_withinTheTrysBudget() {
        hang = true;
        long started = System.nanoTime();
        JobOutcome outcome = run(job("reports.generate"), 1, Duration.ofMillis(300));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.Retry.class, r -> assertThat(r.errorClass()).isEqualTo("Timeout"));
        assertThat(tookMs).isBetween(250L, 1_500L);
        assertThat(seen).hasSize(1);
    }

    @Test
    void handle_noTimeLeftInTheTry_retriesWithoutCalling() {
        assertThat(run(job("reports.generate"), 1, Duration.ofSeconds(-1)))
                .isEqualTo(new JobOutcome.Retry("Timeout", "no time left for the call", null));
        assertThat(seen).isEmpty();
    }
}
