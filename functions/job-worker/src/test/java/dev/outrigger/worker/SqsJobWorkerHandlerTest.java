package dev.outrigger.worker;

import static dev.outrigger.worker.TestJobs.handler;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.outrigger.core.JobOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;

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
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
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
}
