package dev.outrigger.tests.e2e;

import static dev.outrigger.tests.e2e.E2e.aws;
import static dev.outrigger.tests.e2e.E2e.await;
import static dev.outrigger.tests.e2e.E2e.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.local.demo.DemoDjango;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The runtime started from the repository's real template.yaml, with the real job worker, a stand-in Django that
 * checks signatures, and jobs sent by real clients: the `aws` CLI and the AWS SDK v2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealTemplateIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final String secret = "e2e-" + UUID.randomUUID();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private DemoDjango django;
    private LocalRuntime rt;
    private SqsClient sqs;
    private String queueUrl;
    private String dlqUrl;

    @BeforeAll
    void start() throws Exception {
        django = DemoDjango.start(secret);
        rt = LocalRuntime.start(RuntimeOptions.builder(E2e.root().resolve("template.yaml")).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(2)).console(new PrintStream(console, true))
                .env("DJANGO_BASE_URL", django.baseUrl().toString())
                .env("OUTRIGGER_SIGNING_SECRET", secret).env("OUTRIGGER_SIGNING_SECRET_ARN", "")
                .env("OUTRIGGER_BACKOFF_BASE_S", "1").env("OUTRIGGER_BACKOFF_CAP_S", "2")
                .build());
        // A client of our own, configured as a developer would configure one against `local up`.
        sqs = SqsClient.builder().endpointOverride(rt.sqsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        queueUrl = rt.queueUrl("JobsDefaultQueue");
        dlqUrl = rt.queueUrl("JobsDefaultDLQ");
    }

    @AfterAll
    void stop() {
        if (sqs != null) {
            sqs.close();
        }
        if (rt != null) {
            rt.close();
        }
        if (django != null) {
            django.close();
        }
    }

    private static String task(String id, String task) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("task", task);
        return JobEnvelope.create("django.task", payload).withId(id).toJson();
    }

    private boolean succeeded(String jobId) {
        return django.callsFor(jobId).stream().anyMatch(c -> c.signatureValid() && c.status() == 200);
    }

    @Test
    void jobSentWithAwsCli_runsOnDjangoWithAValidSignature() {
        String id = "cli-" + UUID.randomUUID();

        JsonNode sent = aws(rt.sqsEndpoint(), "sqs", "send-message", "--queue-url", queueUrl, "--message-body", task(id, "demo.ok"));

        assertThat(sent.path("MessageId").asText()).isNotBlank();
        await("Django ran " + id, DEADLINE, () -> succeeded(id));
        await("the jobs queue is empty", DEADLINE, () -> total(sqs, queueUrl) == 0);
        List<DemoDjango.Call> calls = django.callsFor(id);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).signatureValid()).isTrue();
        assertThat(calls.get(0).task()).isEqualTo("demo.ok");
        assertThat(calls.get(0).attempt()).isEqualTo(1);
    }

    @Test
    void batchOfMixedOutcomes_withRealWorker_deletesSuccessesRetriesTransientsAndDeadLettersPermanentsWithReasons() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> ok = new LinkedHashMap<>();
        Map<String, String> flaky = new LinkedHashMap<>();
        Map<String, String> reject = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            ok.put("ok-" + run + "-" + i, task("ok-" + run + "-" + i, "demo.ok"));
        }
        for (int i = 0; i < 2; i++) {
            flaky.put("flaky-" + run + "-" + i, task("flaky-" + run + "-" + i, "demo.flaky"));
            reject.put("reject-" + run + "-" + i, task("reject-" + run + "-" + i, "demo.reject"));
        }
        String malformed = "{\"type\":\"django.task\",\"payload\":{\"task\":\"demo.ok\"},\"run\":\"" + run + "\"}";
        String unknownType = JobEnvelope.create("no.such.type", Json.MAPPER.createObjectNode()).withId("unknown-" + run).toJson();
        List<String> bodies = new ArrayList<>();
        bodies.addAll(ok.values());
        bodies.addAll(flaky.values());
        bodies.addAll(reject.values());
        bodies.add(malformed);
        bodies.add(unknownType);
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build());
        }

        SendMessageBatchResponse sent = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));

        assertThat(sent.failed()).isEmpty();
        assertThat(sent.successful()).hasSize(10);
        await("successes and retried transients done, four dead letters, nothing left on the queue", DEADLINE, () ->
                ok.keySet().stream().allMatch(this::succeeded) && flaky.keySet().stream().allMatch(this::succeeded)
                        && dlqDepthViaCli() == 4 && total(sqs, queueUrl) == 0);

        // Each job reached Django as often as its outcome says, always signed.
        ok.keySet().forEach(id -> assertThat(django.callsFor(id)).as(id).hasSize(1));
        reject.keySet().forEach(id -> assertThat(django.callsFor(id)).as(id).hasSize(1));
        flaky.keySet().forEach(id -> assertThat(django.callsFor(id)).as(id).extracting(DemoDjango.Call::attempt).containsExactly(1, 2, 3));
        flaky.keySet().forEach(id -> assertThat(django.callsFor(id)).as(id).extracting(DemoDjango.Call::status).containsExactly(503, 503, 200));
        assertThat(django.calls()).allMatch(DemoDjango.Call::signatureValid);

        // The DLQ, read with the aws CLI: the original bodies, each with why it is there.
        Map<String, JsonNode> dead = new LinkedHashMap<>();
        await("four dead letters received", DEADLINE, () -> {
            JsonNode r = aws(rt.sqsEndpoint(), "sqs", "receive-message", "--queue-url", dlqUrl, "--max-number-of-messages", "10",
                    "--message-attribute-names", "All", "--visibility-timeout", "60", "--wait-time-seconds", "1");
            r.path("Messages").forEach(m -> dead.put(m.path("Body").asText(), m.path("MessageAttributes")));
            return dead.size() >= 4;
        });
        List<String> expectedDead = new ArrayList<>(reject.values());
        expectedDead.add(malformed);
        expectedDead.add(unknownType);
        assertThat(dead.keySet()).containsExactlyInAnyOrderElementsOf(expectedDead);
        for (String id : reject.keySet()) {
            JsonNode a = dead.get(reject.get(id));
            assertThat(attr(a, "outrigger-error")).isEqualTo("Http422");
            assertThat(attr(a, "outrigger-error-message")).contains("422").contains(DemoDjango.REJECT_REASON);
            assertThat(attr(a, "outrigger-job-id")).isEqualTo(id);
            assertThat(attr(a, "outrigger-source-queue")).contains("jobs-default");
        }
        assertThat(attr(dead.get(malformed), "outrigger-error")).isEqualTo("InvalidEnvelope");
        assertThat(attr(dead.get(malformed), "outrigger-error-message")).containsAnyOf("version", "id", "created_at");
        assertThat(attr(dead.get(unknownType), "outrigger-error")).isEqualTo("UnknownJobType");
        assertThat(attr(dead.get(unknownType), "outrigger-error-message")).contains("no.such.type");

        // Nothing lost: every message sent either succeeded on Django or is in the DLQ.
        long succeeded = bodies.stream().filter(b -> !expectedDead.contains(b)).count();
        assertThat(succeeded + dead.size()).isEqualTo(bodies.size());
    }

    private int dlqDepthViaCli() {
        JsonNode r = aws(rt.sqsEndpoint(), "sqs", "get-queue-attributes", "--queue-url", dlqUrl, "--attribute-names",
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible");
        return r.path("Attributes").path("ApproximateNumberOfMessages").asInt() + r.path("Attributes").path("ApproximateNumberOfMessagesNotVisible").asInt();
    }

    private static String attr(JsonNode attributes, String name) {
        return attributes.path(name).path("StringValue").asText(null);
    }
}
