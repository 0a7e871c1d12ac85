package dev.outrigger.cutover;

import dev.outrigger.core.Env;
import dev.outrigger.core.SignedDjangoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DjangoOpsIT {
    private StandInDjango django;

    @BeforeEach
    void start() throws Exception {
        django = new StandInDjango("s3cret");
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
        assertThat(django.calls).singleElement().satisfies(c -> {
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

        assertThat(django.calls).singleElement().satisfies(c ->
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
        assertThat(django.calls).singleElement().satisfies(c -> assertThat(c.signatureValid()).isFalse());
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
        assertThat(django.calls).singleElement().satisfies(c -> {
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
        assertThat(django.calls).singleElement().satisfies(c -> assertThat(c.body().toString())
                .isEqualTo("{\"action\":\"verify-writes\"}"));
    }

    @Test
    void verifyWrites_whenDjangoAnswersHtml500_throwsDjangoCallFailed() {
        django.answer("verify-writes", 500, "<html><body>Server Error</body></html>");
        assertThatThrownBy(() -> new VerifyWritesHandler(env("s3cret")).handleRequest(Map.of(), null))
                .isInstanceOf(DjangoCallFailed.class)
                .hasMessage("Django answered 500 to POST verify-writes: <html><body>Server Error</body></html>");
    }
}
