package dev.outrigger.cutover;

import dev.outrigger.core.Env;
import dev.outrigger.core.SignedDjangoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DjangoOpsIT {
    private OpsDjango django;

    @BeforeEach
    void start() throws Exception {
        django = new OpsDjango("s3cret");
    }

    @AfterEach
    void stop() {
        django.close();
    }

    private Env env(String secret) {
        return Env.of(Map.of("DJANGO_BASE_URL", django.baseUrl().toString(), "OUTRIGGER_SIGNING_SECRET", secret));
    }

    @Test
    void maintenanceToggle_sendsSignedBody_andReturnsDjangosAnswer() {
        django.answer("maintenance", 200,
                "{\"enabled\":true,\"reason\":\"cutover\",\"changed_at\":\"2026-01-01T00:00:00+00:00\"}");
        // what the state machine passes: the state's EnteredTime
        Map<String, Object> out = new MaintenanceToggleHandler(env("s3cret"))
                .handleRequest(Map.of("enabled", true, "reason", "cutover", "issued_at", "2026-01-01T00:00:00.250Z"), null);

        assertThat(out).containsEntry("enabled", true).containsEntry("reason", "cutover")
                .containsEntry("changed_at", "2026-01-01T00:00:00+00:00");
        assertThat(django.calls()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("maintenance");
            assertThat(c.signatureValid()).isTrue();
            assertThat(c.body().toString()).isEqualTo(
                    "{\"action\":\"maintenance\",\"enabled\":true,\"reason\":\"cutover\",\"issued_at\":\"2026-01-01T00:00:00.250Z\"}");
            assertThat(c.jobId()).startsWith("cutover-");
        });
    }

    @Test
    void maintenanceToggle_withoutIssuedAt_isIssuedNowByItsClock() {
        django.answer("maintenance", 200, "{\"enabled\":false}");
        Clock clock = Clock.fixed(Instant.parse("2026-02-03T04:05:06.789Z"), ZoneOffset.UTC);
        new MaintenanceToggleHandler(DjangoOps.of(SignedDjangoClient.fromEnv(env("s3cret"))), clock)
                .handleRequest(Map.of("enabled", false), null);

        assertThat(django.calls()).singleElement().satisfies(c ->
                assertThat(c.body().path("issued_at").asText()).isEqualTo("2026-02-03T04:05:06.789Z"));
    }

    @Test
    void maintenanceToggle_whenDjangoAnswers503_throwsDjangoCallFailedWithStatus() {
        django.answer("maintenance", 503, "{\"error\":\"database_unavailable\",\"message\":\"OperationalError\"}");
        assertThatThrownBy(() -> new MaintenanceToggleHandler(env("s3cret"))
                .handleRequest(Map.of("enabled", false, "reason", "done"), null))
                .isInstanceOfSatisfying(DjangoCallFailed.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageContaining("Django answered 503 to POST maintenance")
                .hasMessageContaining("database_unavailable");
    }

    @Test
    void maintenanceToggle_whenSecretIsWrong_djangoRefuses_andTheErrorSays401() {
        django.answer("maintenance", 200, "{\"enabled\":true}");
        assertThatThrownBy(() -> new MaintenanceToggleHandler(env("wrong"))
                .handleRequest(Map.of("enabled", true, "reason", "x"), null))
                .isInstanceOf(DjangoCallFailed.class).hasMessageContaining("401");
        assertThat(django.calls()).singleElement().satisfies(c -> assertThat(c.signatureValid()).isFalse());
    }

    @Test
    void maintenanceToggle_whenDjangoIsDown_throwsDjangoCallFailedWithStatus0() {
        Env env = env("s3cret");
        django.close();
        assertThatThrownBy(() -> new MaintenanceToggleHandler(env)
                .handleRequest(Map.of("enabled", true, "reason", "x"), null))
                .isInstanceOfSatisfying(DjangoCallFailed.class, e -> assertThat(e.status()).isZero())
                .hasMessageStartingWith("cannot reach Django for POST maintenance");
    }

    @Test
    void verifyWrites_whenOk_returnsDjangosAnswer_andPassesTheAlias() {
        django.answer("verify-writes", 200,
                "{\"ok\":true,\"database\":\"default\",\"vendor\":\"postgresql\",\"latency_ms\":3.5}");
        Map<String, Object> out = new VerifyWritesHandler(env("s3cret")).handleRequest(Map.of("database", "default"), null);

        assertThat(out).containsEntry("ok", true).containsEntry("vendor", "postgresql").containsEntry("latency_ms", 3.5);
        assertThat(django.calls()).singleElement().satisfies(c -> {
            assertThat(c.signatureValid()).isTrue();
            assertThat(c.path()).isEqualTo("verify-writes");
            assertThat(c.body().toString()).isEqualTo("{\"action\":\"verify-writes\",\"database\":\"default\"}");
        });
    }

    @Test
    void verifyWrites_whenDjangoSaysNotOk_throwsVerifyWritesFailedNamingTheError() {
        django.answer("verify-writes", 503, "{\"ok\":false,\"database\":\"default\",\"error\":\"OperationalError\","
                + "\"message\":\"cannot execute INSERT in a read-only transaction\"}");
        assertThatThrownBy(() -> new VerifyWritesHandler(env("s3cret")).handleRequest(Map.of(), null))
                .isInstanceOf(VerifyWritesFailed.class)
                .hasMessage("database default did not take a write: OperationalError "
                        + "cannot execute INSERT in a read-only transaction");
        assertThat(django.calls()).singleElement().satisfies(c -> assertThat(c.body().toString())
                .isEqualTo("{\"action\":\"verify-writes\"}"));
    }

    @Test
    void verifyWrites_whenDjangoAnswersHtml500_throwsDjangoCallFailed() {
        django.answer("verify-writes", 500, "<html><body>Server Error</body></html>");
        assertThatThrownBy(() -> new VerifyWritesHandler(env("s3cret")).handleRequest(Map.of(), null))
                .isInstanceOf(DjangoCallFailed.class)
                .hasMessage("Django answered 500 to POST verify-writes: <html><body>Server Error</body></html>");
    }

    /**
     * Lambda Managed Instances: 50 invocations at once through one {@link MaintenanceToggleHandler} and 50 through one
     * {@link VerifyWritesHandler}, built the production way: every call is signed, carries its own body and call id,
     * and every invocation gets its own answer.
     */
    @Test
    void fiftyConcurrentInvocations_ofEachHandler_areSignedAndAnsweredOneByOne() throws Exception {
        django.answer("maintenance", 200, "{}");   // Django's answer without fields: each output is its own input
        django.answer("verify-writes", 200, "{\"ok\":true}");
        MaintenanceToggleHandler maintenance = new MaintenanceToggleHandler(env("s3cret"));
        VerifyWritesHandler verify = new VerifyWritesHandler(env("s3cret"));
        int n = 50;

        List<Map<String, Object>> toggled = concurrently(n, i -> maintenance.handleRequest(
                Map.of("enabled", i % 2 == 0, "reason", "cutover-" + i), null));
        List<Map<String, Object>> verified = concurrently(n, i -> verify.handleRequest(Map.of("database", "db" + i), null));

        for (int i = 0; i < n; i++) {
            assertThat(toggled.get(i)).containsEntry("enabled", i % 2 == 0).containsEntry("reason", "cutover-" + i);
            assertThat(verified.get(i)).containsEntry("ok", true);
        }
        assertThat(django.calls()).hasSize(2 * n).allSatisfy(c -> assertThat(c.signatureValid()).isTrue());
        assertThat(django.calls()).extracting(OpsDjango.Call::jobId).doesNotHaveDuplicates();
        assertThat(django.calls()).filteredOn(c -> c.path().equals("maintenance")).extracting(c -> c.body().get("reason").asText())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).mapToObj(i -> "cutover-" + i).toList());
        assertThat(django.calls()).filteredOn(c -> c.path().equals("verify-writes")).extracting(c -> c.body().get("database").asText())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).mapToObj(i -> "db" + i).toList());
    }

    static List<Map<String, Object>> concurrently(int n, IntFunction<Map<String, Object>> invocation) throws Exception {
        CyclicBarrier together = new CyclicBarrier(n);
        try (ExecutorService threads = Executors.newFixedThreadPool(n)) {
            List<Future<Map<String, Object>>> futures = threads.invokeAll(IntStream.range(0, n)
                    .mapToObj(i -> (Callable<Map<String, Object>>) () -> {
                        together.await(30, TimeUnit.SECONDS);
                        return invocation.apply(i);
                    }).toList(), 2, TimeUnit.MINUTES);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Future<Map<String, Object>> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
