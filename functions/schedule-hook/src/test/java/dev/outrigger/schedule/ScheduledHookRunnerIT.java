package dev.outrigger.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.core.SecretSource;
import dev.outrigger.core.SignedDjangoClient;
import dev.outrigger.testing.EmbeddedElasticMq;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class ScheduledHookRunnerIT {
    static final String SECRET = "test-secret-not-for-prod";
    HookDjango django;
    /** What the handler parked in SchedulerDLQ. */
    final List<HookDeadLetters.DeadLetter> parked = new CopyOnWriteArrayList<>();
    ScheduledHookHandler handler;
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T03:00:02Z"), ZoneOffset.UTC);

    @BeforeEach
    void start() throws Exception {
        django = new HookDjango(SECRET);
        handler = handlerFor(django.baseUrl(), SECRET, Optional.of(parked::add));
    }

    @AfterEach
    void stop() {
        django.close();
    }

    /** The handler as template.yaml configures it (deadLetters: SCHEDULER_DLQ_URL), or without a dead-letter queue. */
    static ScheduledHookHandler handlerFor(URI base, String signingSecret, Optional<HookDeadLetters> deadLetters) {
        SecretSource secret = new SecretSource() {
            @Override
            public String secret() {
                return signingSecret;
            }

            @Override
            public void refresh() {
            }
        };
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return new ScheduledHookHandler(new ScheduledHookRunner(new SignedDjangoClient(http, base, secret),
                (url, body) -> "unused", deadLetters, Env.of(Map.of()), Duration.ofSeconds(5), CLOCK));
    }

    static Map<String, Object> input(String scheduledTime) {
        return Map.of("hook", "clearsessions", "mode", "call", "scheduled_time", scheduledTime,
                "execution_id", "exec-1", "args", List.of("--verbosity", "2"));
    }

    @Test
    void call_postsSignedBodyToHookEndpoint_withJobIdFromHookAndScheduledTime() throws Exception {
        Map<String, Object> out = handler.handleRequest(input("2026-11-21T03:00:00Z"), null);

        assertThat(out).containsEntry("job_id", "hook:clearsessions:2026-11-21T03:00:00Z").containsEntry("status", 200)
                .containsEntry("result", Map.of("cleared", true));   // what the hook returned, as Django passed it on
        assertThat(parked).isEmpty();
        assertThat(django.calls()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("/internal/outrigger/hooks/clearsessions");
            assertThat(c.status()).as("the stand-in verified v2 over hooks/clearsessions").isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(c.body());
            assertThat(body.get("hook").asText()).isEqualTo("clearsessions");
            assertThat(body.get("id").asText()).isEqualTo("hook:clearsessions:2026-11-21T03:00:00Z");
            assertThat(body.has("task") || body.has("action")).isFalse();
            assertThat(body.get("scheduled_time").asText()).isEqualTo("2026-11-21T03:00:00Z");
            assertThat(body.get("execution_id").asText()).isEqualTo("exec-1");
            assertThat(body.get("args").toString()).isEqualTo("[\"--verbosity\",\"2\"]");
        });
    }

    @Test
    void call_hookNameWithDotsAndColons_isSignedForTheRouteItIsPostedTo() {
        Map<String, Object> out = handler.handleRequest(Map.of("hook", "reports.weekly:eu-central", "mode", "call",
                "scheduled_time", "2026-11-23T07:00:00Z", "execution_id", "exec-2"), null);

        assertThat(out).containsEntry("status", 200);
        assertThat(django.calls()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("/internal/outrigger/hooks/reports.weekly:eu-central");
            assertThat(c.status()).isEqualTo(200);
        });
    }

    @Test
    void doubleFire_sendsSameJobIdTwice_andDjangoRunsTheHookOnce() {
        // Two invocations of one scheduled time (Scheduler's at-least-once delivery, or a split -dom/-dow pair).
        handler.handleRequest(input("2026-11-21T03:00:00Z"), null);
        Map<String, Object> second = handler.handleRequest(input("2026-11-21T03:00:00+00:00"), null);

        assertThat(django.calls()).extracting(HookDjango.Call::jobId)
                .containsExactly("hook:clearsessions:2026-11-21T03:00:00Z", "hook:clearsessions:2026-11-21T03:00:00Z");
        assertThat(django.calls()).extracting(HookDjango.Call::status).containsExactly(200, 409);
        assertThat(second).containsEntry("status", 409);
        assertThat(django.ran).hasSize(1);
    }

    @Test
    void djangoAnswers500Then200_firstInvocationThrows_retrySucceeds() {
        django.failFirst.set(1);

        assertThatThrownBy(() -> handler.handleRequest(input("2026-11-21T03:00:00Z"), null))
                .isInstanceOf(HookFailedException.class)
                .hasMessageContaining("Django answered 500 on hooks/clearsessions")
                .hasMessageContaining("database is locked")
                .satisfies(e -> assertThat(((HookFailedException) e).status()).isEqualTo(500));
        Map<String, Object> retry = handler.handleRequest(input("2026-11-21T03:00:00Z"), null);

        assertThat(retry).containsEntry("status", 200);
        assertThat(django.ran).containsExactly("hook:clearsessions:2026-11-21T03:00:00Z");
    }

    @Test
    void djangoAnswers500_isTransient_thrownForSchedulersRetry_andNothingIsParked() {
        django.failFirst.set(1);
        assertThatThrownBy(() -> handler.handleRequest(input("2026-11-21T03:00:00Z"), null)).isInstanceOf(HookFailedException.class);
        assertThat(parked).isEmpty();
    }

    @Test
    void aHookDjangoDoesNotHave_404IsPermanent_parkedInTheDlqWithTheReason_andTheInvocationSucceeds() throws Exception {
        // a new project without the hook a template schedule calls: no retry (the answer won't change), one DLQ message
        django.missing.add("clearsessions");
        Map<String, Object> out = handler.handleRequest(input("2026-11-21T03:00:00Z"), null);

        assertThat(out).containsEntry("status", 404).containsEntry("dead_lettered", true).containsEntry("error", "Http404");
        assertThat(django.calls()).hasSize(1);
        assertThat(parked).singleElement().satisfies(d -> {
            assertThat(d.error()).isEqualTo("Http404");
            assertThat(d.jobId()).isEqualTo("hook:clearsessions:2026-11-21T03:00:00Z");
            assertThat(d.jobType()).isEqualTo("hook:clearsessions");
            assertThat(d.reason()).isEqualTo("hook 'clearsessions': Django answered 404 on hooks/clearsessions: "
                    + "{\"error\": \"unknown_hook\", \"message\": \"no @outrigger_hook named 'clearsessions'\"}");
            assertThat(d.failedAt()).isEqualTo(CLOCK.instant());
            // the body is the schedule's input, so the firing can be sent again once the hook exists
            JsonNode body = Json.MAPPER.readTree(d.body());
            assertThat(body.get("hook").asText()).isEqualTo("clearsessions");
            assertThat(body.get("mode").asText()).isEqualTo("call");
            assertThat(body.get("scheduled_time").asText()).isEqualTo("2026-11-21T03:00:00Z");
            assertThat(body.get("execution_id").asText()).isEqualTo("exec-1");
            assertThat(body.get("args").toString()).isEqualTo("[\"--verbosity\",\"2\"]");
        });
    }

    @Test
    void badSignature_401IsPermanent_parkedInTheDlq() {
        ScheduledHookHandler wrongSecret = handlerFor(django.baseUrl(), "wrong", Optional.of(parked::add));

        Map<String, Object> out = wrongSecret.handleRequest(input("2026-11-21T03:00:00Z"), null);

        assertThat(out).containsEntry("status", 401).containsEntry("dead_lettered", true);
        assertThat(parked).singleElement().satisfies(d -> assertThat(d.error()).isEqualTo("Http401"));
        assertThat(django.ran).isEmpty();
    }

    @Test
    void withoutADeadLetterQueue_aPermanentAnswerThrows_forTheSchedulesOwnDeadLetterConfig() {
        ScheduledHookHandler noDlq = handlerFor(django.baseUrl(), SECRET, Optional.empty());
        django.missing.add("clearsessions");

        assertThatThrownBy(() -> noDlq.handleRequest(input("2026-11-21T03:00:00Z"), null))
                .isInstanceOf(HookFailedException.class).hasMessageContaining("Django answered 404 on hooks/clearsessions")
                .satisfies(e -> assertThat(((HookFailedException) e).status()).isEqualTo(404));
    }

    @Test
    void badInput_isParkedAsItCame_withTheReason() {
        Map<String, Object> in = new java.util.HashMap<>(input("2026-11-21T03:00:00Z"));
        in.put("mode", "fire-and-forget");

        Map<String, Object> out = handler.handleRequest(in, null);

        assertThat(out).containsEntry("dead_lettered", true).containsEntry("error", "InvalidHookInput");
        assertThat(parked).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("hook 'clearsessions': mode 'fire-and-forget' is not \"call\" or \"enqueue\"");
            assertThat(d.jobType()).isEqualTo("hook:clearsessions");
            assertThat(d.jobId()).isNull();
            assertThat(Json.MAPPER.readTree(d.body()).get("mode").asText()).isEqualTo("fire-and-forget");
        });
        assertThat(django.calls()).isEmpty();
    }

    @Test
    void djangoDown_throwsClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ScheduledHookHandler down = handlerFor(URI.create("http://127.0.0.1:" + port + "/internal/outrigger/"), SECRET,
                Optional.of(parked::add));

        assertThatThrownBy(() -> down.handleRequest(input("2026-11-21T03:00:00Z"), null))
                .isInstanceOf(HookFailedException.class)
                .hasMessageContaining("cannot connect to Django at http://127.0.0.1:" + port)
                .satisfies(e -> assertThat(((HookFailedException) e).status()).isZero());
        assertThat(parked).as("no answer is transient: Scheduler retries it").isEmpty();
    }

    /**
     * Lambda Managed Instances: 50 invocations at once through one {@link ScheduledHookHandler} built the production
     * way (its Env), half calling Django, half enqueueing on embedded ElasticMQ; each ends as it would alone.
     */
    @Test
    void fiftyConcurrentInvocations_ofOneHandler_eachCallAndEnqueueEndsAsAlone() throws Exception {
        EmbeddedElasticMq elasticMq = EmbeddedElasticMq.start();
        Env env = Env.of(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_SQS", elasticMq.endpoint().toString(),
                "DJANGO_BASE_URL", django.baseUrl().toString(), "OUTRIGGER_SIGNING_SECRET", SECRET));
        try (SqsClient sqs = AwsClientConfig.configure(
                SqsClient.builder(), env, "SQS").build()) {
            String queue = sqs.createQueue(b -> b.queueName("hook-jobs")).queueUrl();
            ScheduledHookHandler shared = new ScheduledHookHandler(env.with(ScheduledHookRunner.QUEUE_URL_ENV, queue));
            int n = 50;
            List<Map<String, Object>> results = ScheduleGroupToggleTest.concurrently(n, i -> shared.handleRequest(Map.of(
                    "hook", "h" + i, "mode", i % 2 == 0 ? "call" : "enqueue", "scheduled_time", "2026-11-21T03:00:00Z",
                    "execution_id", "exec-" + i), null));
            Set<String> enqueued = new HashSet<>();
            for (int i = 0; i < n; i++) {
                Map<String, Object> out = results.get(i);
                assertThat(out).containsEntry("job_id", "hook:h" + i + ":2026-11-21T03:00:00Z");
                if (i % 2 == 0) {
                    assertThat(out).containsEntry("status", 200);
                } else {
                    assertThat(out).containsEntry("queue_url", queue).containsKey("message_id");
                    enqueued.add("hook:h" + i + ":2026-11-21T03:00:00Z");
                }
            }
            assertThat(django.calls()).hasSize(n / 2).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
            assertThat(django.ran).containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).filter(i -> i % 2 == 0)
                    .mapToObj(i -> "hook:h" + i + ":2026-11-21T03:00:00Z").toList());
            Set<String> received = new HashSet<>();
            List<Message> got;
            do {
                got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                for (var m : got) {
                    received.add(JobEnvelope.parse(m.body()).id());
                }
            } while (!got.isEmpty());
            assertThat(received).isEqualTo(enqueued);
        } finally {
            elasticMq.close();
        }
    }
}
