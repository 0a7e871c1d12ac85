package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    /** A handler path in miniature: parse and validate the body, sign it with the shared secret. */
    record MiniHandler(SecretSource secret, AtomicInteger calls) {
        String handle(String body) throws InvalidEnvelopeException {
            calls.incrementAndGet();
            JobEnvelope job = JobEnvelope.parse(body);
            return job.id() + " " + RequestSigner.signature(secret.secret(), 1L, "POST", "tasks/mini", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void hooks_whenRunDirectly_warmTheHandlerPathAndTheHandlerStillWorksAfterRestore() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        SecretSource secret = new SecretSources.Cached(() -> "secret-" + fetches.incrementAndGet(), "test");
        MiniHandler handler = new MiniHandler(secret, new AtomicInteger());
        SnapStartPriming priming = new SnapStartPriming(() -> {
            try {
                JobEnvelope.parse(SnapStartPriming.SAMPLE_ENVELOPE); // no network, no secret
            } catch (InvalidEnvelopeException e) {
                throw new IllegalStateException(e);
            }
            handler.calls().incrementAndGet();
        }, null);

        priming.beforeCheckpoint(null);
        priming.afterRestore(null);

        assertThat(priming.checkpoints()).isEqualTo(1);
        assertThat(priming.restores()).isEqualTo(1);
        assertThat(handler.calls()).hasValue(1);
        assertThat(fetches).as("priming must not fetch the secret into the snapshot").hasValue(0);
        String body = JobEnvelope.create("django.task", Json.MAPPER.createObjectNode().put("task", "reports.generate")).toJson();
        assertThat(handler.handle(body)).contains(" v2=");
    }

    @Test
    void afterRestore_whenTheSecretWasCachedBeforeTheSnapshot_fetchesItAgain() {
        AtomicInteger fetches = new AtomicInteger();
        SecretSource secret = new SecretSources.Cached(() -> "secret-" + fetches.incrementAndGet(), "test");
        assertThat(secret.secret()).isEqualTo("secret-1");
        SnapStartPriming priming = new SnapStartPriming(null, null);

        priming.beforeCheckpoint(null);
        priming.afterRestore(null);

        assertThat(secret.secret()).isEqualTo("secret-2");
        assertThat(secret.secret()).isEqualTo("secret-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void afterRestore_replacesTheHttpClientOfEveryClientBuiltFromEnv() throws InterruptedException {
        SignedDjangoClient client = SignedDjangoClient.fromEnv(Env.of(Map.of(
                SignedDjangoClient.BASE_URL_ENV, "http://127.0.0.1:9/internal/outrigger/",
                SecretSources.LITERAL, "local-secret")));
        HttpClient before = client.httpClient();
        AtomicInteger extra = new AtomicInteger();

        new SnapStartPriming(null, extra::incrementAndGet).afterRestore(null);

        assertThat(client.httpClient()).isNotSameAs(before);
        assertThat(before.isTerminated() || before.awaitTermination(java.time.Duration.ofSeconds(5))).isTrue();
        assertThat(extra).hasValue(1);
    }

    @Test
    void afterRestore_leavesACallerSuppliedHttpClientAlone() {
        HttpClient own = HttpClient.newHttpClient();
        SignedDjangoClient client = new SignedDjangoClient(own, java.net.URI.create("http://127.0.0.1:9/"),
                new SecretSources.Cached(() -> "s", "test"));

        new SnapStartPriming(null, null).afterRestore(null);

        assertThat(client.httpClient()).isSameAs(own);
    }

    @Test
    void beforeCheckpoint_whenTheHandlerPathThrows_stillLetsTheSnapshotHappen() {
        SnapStartPriming priming = new SnapStartPriming(() -> {
            throw new IllegalStateException("boom");
        }, null);

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();
        assertThat(priming.checkpoints()).isEqualTo(1);
    }

    @Test
    void register_onAJvmWithoutCrac_isAccepted() {
        assertThatCode(() -> SnapStartPriming.register(() -> { })).doesNotThrowAnyException();
    }
}
