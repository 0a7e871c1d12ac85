package dev.outrigger.worker;

import static dev.outrigger.worker.TestJobs.handler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.SecretSource;
import dev.outrigger.core.SecretSources;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming of the job worker: the hooks are invoked directly, as Lambda would around the snapshot
 * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html).
 */
class SqsJobWorkerHandlerSnapStartTest {
    private final FakeSqs sqs = new FakeSqs();
    private final AtomicInteger sqsBuilds = new AtomicInteger();
    private final AtomicInteger secretFetches = new AtomicInteger();
    private final SecretSource secret = SecretSources.cached(() -> "secret-" + secretFetches.incrementAndGet(), "test");
    private final List<String> secretsSeen = new CopyOnWriteArrayList<>();
    private final RecordingEvents events = new RecordingEvents();
    private final SqsJobWorkerHandler handler;

    SqsJobWorkerHandlerSnapStartTest() {
        // The real job handler's shape: it reads the (cached) signing secret on every job.
        JobHandlerRegistry registry = new JobHandlerRegistry().register(handler("django.task", (job, attempt) -> {
            secretsSeen.add(secret.secret());
            return new JobOutcome.Succeeded("ok");
        }));
        WorkerConfig config = new WorkerConfig(10, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(900), Optional.empty());
        handler = new SqsJobWorkerHandler(new JobWorker(registry, () -> {
            sqsBuilds.incrementAndGet();
            return sqs;
        }, config, events, Clock.systemUTC(), new Random(1)));
    }

    private static SQSEvent batch(String... bodies) {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new java.util.ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("m-" + i);
            record.setReceiptHandle("rh-" + i);
            record.setBody(bodies[i]);
            record.setEventSourceArn(FakeSqs.SOURCE_ARN);
            record.setAttributes(Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1767225600000"));
            records.add(record);
        }
        event.setRecords(records);
        return event;
    }

    @Test
    void beforeCheckpoint_runsTheJobPathAndBuildsTheSqsClient_withoutCallingAnythingOrReporting() {
        handler.priming().beforeCheckpoint(null);

        assertThat(handler.priming().checkpoints()).isEqualTo(1);
        assertThat(sqsBuilds).as("the SQS client is built into the snapshot").hasValue(1);
        assertThat(sqs.sent).isEmpty();
        assertThat(sqs.visibility).isEmpty();
        assertThat(sqs.attributeLookups).hasValue(0);
        assertThat(events.reports).as("no log line or metric for the priming job").isEmpty();
        assertThat(events.flushes).isZero();
        assertThat(secretsSeen).as("the function's own handlers are not run").isEmpty();
        assertThat(secretFetches).as("no secret in the snapshot").hasValue(0);
    }

    @Test
    void afterRestore_theHandlerStillProcessesARealBatch() {
        handler.priming().beforeCheckpoint(null);
        handler.priming().afterRestore(null);

        SQSBatchResponse response = handler.handleRequest(batch(
                TestJobs.envelope("job-a", "django.task"),
                TestJobs.envelope("job-b", "django.task"),
                "{not json"), new FakeContext(60_000));

        assertThat(handler.priming().restores()).isEqualTo(1);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(secretsSeen).hasSize(2);
        assertThat(events.reports).extracting(JobReport::jobId).containsExactlyInAnyOrder("job-a", "job-b", null);
        assertThat(events.forJob("job-a").outcome()).isEqualTo(JobReport.Disposition.SUCCEEDED);
        assertThat(sqs.sent).as("the malformed one is parked with its reason").singleElement()
                .satisfies(r -> assertThat(r.messageAttributes().get("outrigger-error").stringValue()).isEqualTo("InvalidEnvelope"));
        assertThat(sqsBuilds).as("the client built before the snapshot is the one used").hasValue(1);
    }

    @Test
    void afterRestore_whenTheSecretWasFetchedBeforeTheSnapshot_fetchesItAgain() {
        handler.handleRequest(batch(TestJobs.envelope("job-1", "django.task")), new FakeContext(60_000));
        handler.priming().beforeCheckpoint(null);
        handler.handleRequest(batch(TestJobs.envelope("job-2", "django.task")), new FakeContext(60_000));
        assertThat(secretsSeen).containsExactly("secret-1", "secret-1");

        handler.priming().afterRestore(null);
        handler.handleRequest(batch(TestJobs.envelope("job-3", "django.task")), new FakeContext(60_000));
        handler.handleRequest(batch(TestJobs.envelope("job-4", "django.task")), new FakeContext(60_000));

        assertThat(secretsSeen).containsExactly("secret-1", "secret-1", "secret-2", "secret-2");
        assertThat(secretFetches).hasValue(2);
    }

    @Test
    void prime_onTheProductionWiring_buildsTheRealSqsClientOffline() {
        // The endpoint is a closed port: any call would fail; building must not call.
        Env env = Env.of(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9",
                "OUTRIGGER_SIGNING_SECRET", "local-secret", "DJANGO_BASE_URL", "http://127.0.0.1:9/internal/outrigger/"));
        SqsJobWorkerHandler production = new SqsJobWorkerHandler(env);

        assertThatCode(() -> JobWorker.fromEnv(env).prime()).doesNotThrowAnyException();
        assertThat(production.priming()).isNotNull();
    }
}
