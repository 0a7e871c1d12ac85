package dev.outrigger.worker;

import static dev.outrigger.worker.TestJobs.handler;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.slf4j.MDC;

/** Drives the real handler with the sample events of events/sqs/ (the same files `sam local invoke -e` takes). */
class SqsJobWorkerHandlerTest {
    private final FakeSqs sqs = new FakeSqs();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final SqsJobWorkerHandler handler;

    SqsJobWorkerHandlerTest() {
        JobHandlerRegistry registry = new JobHandlerRegistry();
        for (String type : List.of("django.task", "webhook", "sns.publish", "events.put")) {
            registry.register(handler(type, (job, attempt) -> {
                calls.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
                return new JobOutcome.Succeeded("ok");
            }));
        }
        WorkerConfig config = new WorkerConfig(10, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(900), Optional.empty());
        handler = new SqsJobWorkerHandler(new JobWorker(registry, () -> sqs, config, new RecordingEvents(),
                Clock.systemUTC(), new Random(1)));
    }

    @ParameterizedTest
    @Event(value = "sqs/django-task.json", type = SQSEvent.class)
    void djangoTaskEvent_isRun_andNotReportedFailed(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, new FakeContext(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(calls.get("django.task")).hasValue(1);
        ReceivedMessage converted = SqsJobWorkerHandler.messages(event).get(0);
        assertThat(converted.sourceQueueArn()).isEqualTo("arn:aws:sqs:us-east-1:123456789012:outrigger-dev-jobs-default");
        assertThat(converted.approximateReceiveCount()).isEqualTo(1);
        assertThat(converted.sentTimestamp()).isEqualTo(1_767_225_600_000L);
        assertThat(converted.messageAttributes().get("traceparent").stringValue()).startsWith("00-4bf92f35");
    }

    @ParameterizedTest
    @Event(value = "sqs/webhook.json", type = SQSEvent.class)
    void webhookEvent_isRun(SQSEvent event) {
        assertThat(handler.handleRequest(event, new FakeContext(60_000)).getBatchItemFailures()).isEmpty();
        assertThat(calls.get("webhook")).hasValue(1);
    }

    @ParameterizedTest
    @Event(value = "sqs/sns-publish.json", type = SQSEvent.class)
    void snsPublishEvent_isRun(SQSEvent event) {
        assertThat(handler.handleRequest(event, new FakeContext(60_000)).getBatchItemFailures()).isEmpty();
        assertThat(calls.get("sns.publish")).hasValue(1);
    }

    @ParameterizedTest
    @Event(value = "sqs/events-put.json", type = SQSEvent.class)
    void eventsPutEvent_isRun(SQSEvent event) {
        assertThat(handler.handleRequest(event, new FakeContext(60_000)).getBatchItemFailures()).isEmpty();
        assertThat(calls.get("events.put")).hasValue(1);
    }

    @ParameterizedTest
    @Event(value = "sqs/malformed-json.json", type = SQSEvent.class)
    void malformedJsonEvent_isDeadLettered(SQSEvent event) {
        assertThat(handler.handleRequest(event, new FakeContext(60_000)).getBatchItemFailures()).isEmpty();
        assertThat(sqs.sent).singleElement().satisfies(r -> {
            assertThat(r.messageBody()).isEqualTo(event.getRecords().get(0).getBody());
            assertThat(r.messageAttributes().get("outrigger-error").stringValue()).isEqualTo("InvalidEnvelope");
            assertThat(r.messageAttributes().get("outrigger-source-queue").stringValue()).isEqualTo("outrigger-dev-jobs-default");
        });
    }

    @ParameterizedTest
    @Event(value = "sqs/missing-field.json", type = SQSEvent.class)
    void missingFieldEvent_isDeadLettered_namingTheField(SQSEvent event) {
        handler.handleRequest(event, new FakeContext(60_000));
        assertThat(sqs.sent).singleElement().satisfies(r ->
                assertThat(r.messageAttributes().get("outrigger-error-message").stringValue()).startsWith("type:"));
    }

    @ParameterizedTest
    @Event(value = "sqs/unknown-type.json", type = SQSEvent.class)
    void unknownTypeEvent_isDeadLettered(SQSEvent event) {
        handler.handleRequest(event, new FakeContext(60_000));
        assertThat(sqs.sent).singleElement().satisfies(r -> {
            assertThat(r.messageAttributes().get("outrigger-error").stringValue()).isEqualTo("UnknownJobType");
            assertThat(r.messageAttributes().get("outrigger-job-type").stringValue()).isEqualTo("video.transcode");
        });
    }

    @ParameterizedTest
    @Event(value = "sqs/batch-mixed.json", type = SQSEvent.class)
    void mixedBatch_settlesEveryRecord(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, new FakeContext(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        // Records 1 and 8 carry the same job id: it runs once.
        assertThat(calls.get("django.task")).hasValue(1);
        assertThat(calls.get("webhook")).hasValue(1);
        assertThat(calls.get("sns.publish")).hasValue(1);
        assertThat(calls.get("events.put")).hasValue(1);
        assertThat(sqs.sent).extracting(r -> r.messageAttributes().get("outrigger-error").stringValue())
                .containsExactlyInAnyOrder("InvalidEnvelope", "InvalidEnvelope", "UnknownJobType");
    }

    @ParameterizedTest
    @Event(value = "sqs/batch-mixed.json", type = SQSEvent.class)
    void mixedBatch_withNoTimeLeft_reportsEveryRecordFailed(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, new FakeContext(100));
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrderElementsOf(event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList());
        assertThat(calls).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "sqs/fifo-batch.json", type = SQSEvent.class)
    void fifoBatch_eachGroupInOrder_theUnknownTypeParkedWithoutHoldingItsGroup(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, new FakeContext(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        List<ReceivedMessage> messages = SqsJobWorkerHandler.messages(event);
        assertThat(messages).extracting(ReceivedMessage::messageGroupId)
                .containsExactly("customer-42", "customer-7", "customer-42", "customer-42", "customer-7", "customer-42");
        assertThat(calls.get("django.task")).hasValue(1);
        assertThat(calls.get("events.put")).hasValue(2);
        assertThat(sqs.sent).singleElement().satisfies(r -> {
            assertThat(r.messageAttributes().get("outrigger-error").stringValue()).isEqualTo("UnknownJobType");
            assertThat(r.messageAttributes().get("outrigger-job-id").stringValue()).isEqualTo("order-42-thumbnail");
        });
    }

    @ParameterizedTest
    @Event(value = "sqs/fifo-batch.json", type = SQSEvent.class)
    void fifoBatch_aRetriedJobHoldsOnlyItsOwnGroup(SQSEvent event) {
        List<String> ran = new CopyOnWriteArrayList<>();
        JobHandlerRegistry registry = new JobHandlerRegistry();
        for (String type : List.of("django.task", "webhook", "sns.publish", "events.put")) {
            registry.register(handler(type, (job, attempt) -> {
                ran.add(job.id());
                return type.equals("django.task") ? new JobOutcome.Retry("Http503", "HTTP 503", null) : new JobOutcome.Succeeded("ok");
            }));
        }
        WorkerConfig config = new WorkerConfig(10, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(900), Optional.empty());
        SqsJobWorkerHandler failing = new SqsJobWorkerHandler(new JobWorker(registry, () -> sqs, config, new RecordingEvents(),
                Clock.systemUTC(), new Random(1)));
        List<String> ids = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();

        SQSBatchResponse response = failing.handleRequest(event, new FakeContext(60_000));

        // customer-42: the charge comes back, and so does everything behind it, unrun; customer-7 is done.
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(ids.get(0), ids.get(2), ids.get(3), ids.get(5));
        assertThat(ran).containsExactlyInAnyOrder("order-42-charge", "order-7-webhook", "order-7-placed");
        assertThat(sqs.sent).isEmpty();
    }

    /**
     * Two functions of one handler class in one JVM (as the local runtime and Lambda Managed Instances run them),
     * invoked at the same time: every job's log context names its own function, service and request, also on the
     * worker's own threads, and the context does not leak into the caller's thread.
     */
    @ParameterizedTest
    @Event(value = "sqs/batch-mixed.json", type = SQSEvent.class)
    void logContext_carriesEachFunctionsOwnServiceAndInvocation_ontoTheWorkersThreads(SQSEvent event) throws Exception {
        Map<String, List<Map<String, String>>> contexts = new ConcurrentHashMap<>();
        JobEvents capturing = new JobEvents() {
            @Override
            public void record(JobReport report) {
                Map<String, String> mdc = MDC.getCopyOfContextMap();
                contexts.computeIfAbsent(mdc.get("function_request_id"), k -> new CopyOnWriteArrayList<>()).add(mdc);
            }

            @Override
            public void flush() {
            }
        };
        WorkerConfig config = new WorkerConfig(10, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(900), Optional.empty());
        JobHandlerRegistry registry = new JobHandlerRegistry();
        for (String type : List.of("django.task", "webhook", "sns.publish", "events.put")) {
            registry.register(handler(type, (job, attempt) -> new JobOutcome.Succeeded("ok")));
        }
        SqsJobWorkerHandler light = new SqsJobWorkerHandler(new JobWorker(registry, () -> sqs, config, capturing,
                Clock.systemUTC(), new Random(1)), InvocationLogFields.fromEnv(Env.of(Map.of(
                InvocationLogFields.SERVICE_ENV, "job-worker"))));
        SqsJobWorkerHandler heavy = new SqsJobWorkerHandler(new JobWorker(registry, () -> sqs, config, capturing,
                Clock.systemUTC(), new Random(1)), InvocationLogFields.fromEnv(Env.of(Map.of(
                InvocationLogFields.SERVICE_ENV, "job-worker-heavy"))));

        CyclicBarrier together = new CyclicBarrier(2);
        try (var threads = Executors.newFixedThreadPool(2)) {
            var a = threads.submit(() -> {
                together.await();
                return light.handleRequest(event, new FakeContext(60_000, "outrigger-dev-job-worker", "req-light"));
            });
            var b = threads.submit(() -> {
                together.await();
                return heavy.handleRequest(event, new FakeContext(60_000, "outrigger-dev-job-worker-heavy", "req-heavy"));
            });
            a.get();
            b.get();
        }

        assertThat(contexts).containsOnlyKeys("req-light", "req-heavy");
        assertThat(contexts.get("req-light")).isNotEmpty().allSatisfy(mdc -> assertThat(mdc)
                .containsEntry("service", "job-worker").containsEntry("function_name", "outrigger-dev-job-worker"));
        assertThat(contexts.get("req-heavy")).isNotEmpty().allSatisfy(mdc -> assertThat(mdc)
                .containsEntry("service", "job-worker-heavy").containsEntry("function_name", "outrigger-dev-job-worker-heavy"));
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void coldStart_isTrueOnTheFirstInvocationOfAHandlerOnly() {
        InvocationLogFields fields = new InvocationLogFields("job-worker");
        try (InvocationLogFields.Scope ignored = fields.open(new FakeContext(1000))) {
            assertThat(MDC.get("cold_start")).isEqualTo("true");
        }
        try (InvocationLogFields.Scope ignored = fields.open(new FakeContext(1000))) {
            assertThat(MDC.get("cold_start")).isEqualTo("false");
            assertThat(MDC.get("function_request_id")).isEqualTo("test-request");
        }
        assertThat(MDC.get("service")).isNull();
    }
}
