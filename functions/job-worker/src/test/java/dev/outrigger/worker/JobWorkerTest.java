package dev.outrigger.worker;

import static dev.outrigger.worker.TestJobs.envelope;
import static dev.outrigger.worker.TestJobs.handler;
import static dev.outrigger.worker.TestJobs.ids;
import static dev.outrigger.worker.TestJobs.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.core.JobOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class JobWorkerTest {
    private static final LongSupplier PLENTY_OF_TIME = () -> 60_000;

    private final FakeSqs sqs = new FakeSqs();
    private final AtomicBoolean sqsBuilt = new AtomicBoolean();
    private final RecordingEvents events = new RecordingEvents();
    private final AtomicInteger calls = new AtomicInteger();
    private final Map<String, OptionalInt> lastAttempts = new java.util.concurrent.ConcurrentHashMap<>();
    private final JobHandlerRegistry registry = new JobHandlerRegistry()
            .register(handler("test.ok", (job, attempt) -> {
                calls.incrementAndGet();
                return new JobOutcome.Succeeded("ok");
            }))
            .register(handler("test.retry", (job, attempt) -> {
                calls.incrementAndGet();
                return new JobOutcome.Retry("Http503", "HTTP 503", null);
            }))
            .register(handler("test.throttled", (job, attempt) -> new JobOutcome.Retry("Http429", "HTTP 429", Duration.ofSeconds(120))))
            .register(handler("test.dead", (job, attempt) -> new JobOutcome.DeadLetter("Http422", "HTTP 422: unprocessable")))
            .register(handler("test.boom", (job, attempt) -> {
                throw new IllegalStateException("bug in handler");
            }))
            .register(handler("test.limit", (job, attempt) -> {
                lastAttempts.put(job.id(), attempt.lastAttempt());
                return new JobOutcome.Succeeded("ok");
            }))
            .register(handler("test.slow", (job, attempt) -> {
                calls.incrementAndGet();
                sleep(300);
                return new JobOutcome.Succeeded("slow");
            }));

    private JobWorker worker(WorkerConfig config) {
        return new JobWorker(registry, () -> {
            sqsBuilt.set(true);
            return sqs;
        }, config, events, Clock.systemUTC(), new Random(1));
    }

    private JobWorker worker() {
        return worker(config(10, Duration.ofSeconds(5), Duration.ofMillis(500)));
    }

    private static WorkerConfig config(int concurrency, Duration timeout, Duration margin) {
        return new WorkerConfig(concurrency, timeout, margin, Duration.ofSeconds(5), Duration.ofSeconds(900), Optional.empty());
    }

    @Test
    void success_isNotReportedFailed_andNeedsNoSqsCall() {
        var batch = List.of(message(envelope("a", "test.ok"), 1), message(envelope("b", "test.ok"), 1));
        assertThat(worker().process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(calls).hasValue(2);
        assertThat(sqsBuilt).isFalse();
        assertThat(events.reports).extracting(JobReport::outcome).containsOnly(JobReport.Disposition.SUCCEEDED);
        assertThat(events.flushes).isEqualTo(1);
    }

    @Test
    void transientFailure_isReportedFailed_withBackoffVisibility() {
        var m = message(envelope("r", "test.retry"), 2);
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
        assertThat(sqs.visibility).singleElement().satisfies(v -> {
            assertThat(v.queueUrl()).isEqualTo(FakeSqs.SOURCE_URL);
            assertThat(v.receiptHandle()).isEqualTo(m.receiptHandle());
            assertThat(v.visibilityTimeout()).isBetween(0, 10); // attempt 2: ceiling 5 s * 2
        });
        assertThat(sqs.sent).isEmpty();
        assertThat(events.forJob("r")).extracting(JobReport::outcome, JobReport::errorClass, JobReport::attempt)
                .containsExactly(JobReport.Disposition.RETRIED, "Http503", 2);
    }

    @Test
    void transientFailure_withRetryAfter_usesIt() {
        var m = message(envelope("t", "test.throttled"), 1);
        worker().process(List.of(m), PLENTY_OF_TIME);
        assertThat(sqs.visibility).extracting(ChangeMessageVisibilityRequest::visibilityTimeout).containsExactly(120);
    }

    @Test
    void permanentFailure_goesToTheDlq_withReason_andIsDone() {
        var trace = new ReceivedMessage.MessageAttribute("String", "00-abc-01", null);
        var m = message(envelope("d", "test.dead"), 1, Map.of("traceparent", trace));
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).isEmpty();
        SendMessageRequest sent = sqs.sent.get(0);
        assertThat(sqs.sent).hasSize(1);
        assertThat(sent.queueUrl()).isEqualTo(FakeSqs.DLQ_URL);
        assertThat(sent.messageBody()).isEqualTo(m.body());
        var attrs = sent.messageAttributes();
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("Http422");
        assertThat(attrs.get("outrigger-error-message").stringValue()).isEqualTo("HTTP 422: unprocessable");
        assertThat(attrs.get("outrigger-attempts").stringValue()).isEqualTo("1");
        assertThat(attrs.get("outrigger-attempts").dataType()).isEqualTo("Number");
        assertThat(attrs.get("outrigger-source-queue").stringValue()).isEqualTo("jobs");
        assertThat(attrs.get("outrigger-failed-at").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(attrs.get("outrigger-job-id").stringValue()).isEqualTo("d");
        assertThat(attrs.get("outrigger-job-type").stringValue()).isEqualTo("test.dead");
        assertThat(attrs.get("traceparent").stringValue()).isEqualTo("00-abc-01");
        assertThat(sent.messageGroupId()).isNull();
    }

    @Test
    void malformedBody_goesToTheDlq_namingTheField() {
        var broken = message("{\"version\":1,", 1);
        var missing = message("{\"version\":1,\"id\":\"x\",\"payload\":{},\"created_at\":\"2026-01-01T00:00:00Z\"}", 1);
        assertThat(worker().process(List.of(broken, missing), PLENTY_OF_TIME)).isEmpty();
        assertThat(sqs.sent).hasSize(2);
        var byBody = sqs.sent.stream().collect(java.util.stream.Collectors.toMap(SendMessageRequest::messageBody, r -> r));
        assertThat(byBody.get(broken.body()).messageAttributes().get("outrigger-error").stringValue()).isEqualTo("InvalidEnvelope");
        assertThat(byBody.get(broken.body()).messageAttributes().get("outrigger-error-message").stringValue()).startsWith("$: not valid JSON");
        assertThat(byBody.get(broken.body()).messageAttributes()).doesNotContainKey("outrigger-job-id");
        assertThat(byBody.get(missing.body()).messageAttributes().get("outrigger-error-message").stringValue()).startsWith("type:");
        assertThat(events.reports).extracting(JobReport::type).containsOnly(JobWorker.INVALID_TYPE);
    }

    @Test
    void unknownType_goesToTheDlq() {
        var m = message(envelope("u", "video.transcode"), 1);
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).isEmpty();
        var attrs = sqs.sent.get(0).messageAttributes();
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("UnknownJobType");
        assertThat(attrs.get("outrigger-error-message").stringValue()).contains("video.transcode").contains("test.ok");
    }

    @Test
    void transientFailure_onTheLastAllowedAttempt_isExhausted_toTheDlq() {
        var byJob = message(envelope("j", "test.retry", 3), 3);
        var byQueue = message(envelope("q", "test.retry"), 5);
        var notYet = message(envelope("n", "test.retry", 3), 2);
        Set<String> failed = worker().process(List.of(byJob, byQueue, notYet), PLENTY_OF_TIME);
        assertThat(failed).containsExactly(notYet.messageId());
        assertThat(sqs.sent).hasSize(2).allSatisfy(r -> assertThat(r.messageAttributes().get("outrigger-error").stringValue()).isEqualTo("Http503"));
        assertThat(sqs.sent).anySatisfy(r -> assertThat(r.messageAttributes().get("outrigger-error-message").stringValue())
                .isEqualTo("gave up after 3 attempts (max_attempts 3): HTTP 503"));
        assertThat(sqs.sent).anySatisfy(r -> assertThat(r.messageAttributes().get("outrigger-error-message").stringValue())
                .isEqualTo("gave up after 5 attempts (the queue's maxReceiveCount 5): HTTP 503"));
    }

    @Test
    void lastAttempt_isTheLowerOfMaxAttemptsAndTheQueuesMaxReceiveCount_askedOnlyByHandlersThatWantIt() {
        var batch = List.of(message(envelope("by-job", "test.limit", 3), 1), message(envelope("by-queue", "test.limit"), 1),
                message(envelope("capped", "test.limit", 8), 1));
        assertThat(worker().process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(lastAttempts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "by-job", OptionalInt.of(3), "by-queue", OptionalInt.of(5), "capped", OptionalInt.of(5)));
        assertThat(sqsBuilt).isTrue();
    }

    @Test
    void dlqSendFailure_reportsTheItemFailed() {
        sqs.failSends = true;
        var m = message(envelope("d", "test.dead"), 1);
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
        assertThat(events.forJob("d").outcome()).isEqualTo(JobReport.Disposition.DEAD_LETTER_FAILED);
    }

    @Test
    void queueWithoutRedrivePolicy_keepsPermanentFailuresOnTheQueue_slowly() {
        sqs.redrivePolicy = null;
        var m = message(envelope("d", "test.dead"), 1);
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
        assertThat(sqs.sent).isEmpty();
        assertThat(sqs.visibility).extracting(ChangeMessageVisibilityRequest::visibilityTimeout).containsExactly(900);
    }

    @Test
    void dlqUrlOverride_isUsed_evenWithoutRedrivePolicy() {
        sqs.redrivePolicy = null;
        var config = new WorkerConfig(10, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(900), Optional.of("https://sqs.example/123/other-dlq"));
        var m = message(envelope("d", "test.dead"), 1);
        assertThat(worker(config).process(List.of(m), PLENTY_OF_TIME)).isEmpty();
        assertThat(sqs.sent.get(0).queueUrl()).isEqualTo("https://sqs.example/123/other-dlq");
    }

    @Test
    void visibilityChangeFailure_isLogged_andTheItemStillReportedFailed() {
        sqs.failVisibility = true;
        var m = message(envelope("r", "test.retry"), 1);
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
    }

    @Test
    void handlerException_isTransient() {
        var m = message(envelope("b", "test.boom"), 1);
        assertThat(worker().process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
        assertThat(events.forJob("b").errorClass()).isEqualTo("IllegalStateException");
    }

    @Test
    void repeatedJobId_runsOnce_andAllCopiesShareTheOutcome() {
        var first = message(envelope("same", "test.ok"), 1);
        var second = message(envelope("same", "test.ok"), 1);
        assertThat(worker().process(List.of(first, second), PLENTY_OF_TIME)).isEmpty();
        assertThat(calls).hasValue(1);
        assertThat(events.reports).singleElement().extracting(JobReport::duplicates).isEqualTo(1);
    }

    @Test
    void repeatedJobId_onRetry_reportsEveryCopyFailed_andBacksOffEachReceiptHandle() {
        var first = message(envelope("same", "test.retry"), 1);
        var second = message(envelope("same", "test.retry"), 1);
        assertThat(worker().process(List.of(first, second), PLENTY_OF_TIME)).containsExactlyInAnyOrder(first.messageId(), second.messageId());
        assertThat(calls).hasValue(1);
        assertThat(sqs.visibility).extracting(ChangeMessageVisibilityRequest::receiptHandle)
                .containsExactlyInAnyOrder(first.receiptHandle(), second.receiptHandle());
    }

    @Test
    void repeatedJobId_onDeadLetter_parksOneCopy_andCompletesAll() {
        var first = message(envelope("same", "test.dead"), 1);
        var second = message(envelope("same", "test.dead"), 1);
        assertThat(worker().process(List.of(first, second), PLENTY_OF_TIME)).isEmpty();
        assertThat(sqs.sent).hasSize(1);
    }

    @Test
    void nearTheDeadline_startsNothing_andReportsEverythingFailed() {
        var batch = List.of(message(envelope("a", "test.ok"), 1), message("garbage", 1));
        Set<String> failed = worker().process(batch, () -> 400); // margin is 500 ms
        assertThat(failed).containsExactlyInAnyOrderElementsOf(ids(batch));
        assertThat(calls).hasValue(0);
        assertThat(sqs.sent).isEmpty();
        assertThat(events.reports).extracting(JobReport::outcome).containsOnly(JobReport.Disposition.NOT_STARTED);
    }

    @Test
    void runningOutOfTime_midBatch_reportsTheUnstartedRestFailed() {
        var batch = new java.util.ArrayList<ReceivedMessage>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(envelope("s" + i, "test.slow"), 1));
        }
        long end = System.currentTimeMillis() + 500 + 700; // margin + room for about two 300 ms jobs, one at a time
        Set<String> failed = worker(config(1, Duration.ofSeconds(5), Duration.ofMillis(500)))
                .process(batch, () -> end - System.currentTimeMillis());
        assertThat(calls.get()).isBetween(1, 4);
        long succeeded = events.reports.stream().filter(r -> r.outcome() == JobReport.Disposition.SUCCEEDED).count();
        long cut = events.reports.stream().filter(r -> r.outcome() == JobReport.Disposition.RETRIED).count();
        long notStarted = events.reports.stream().filter(r -> r.outcome() == JobReport.Disposition.NOT_STARTED).count();
        // A job started close to the end gets only the time that is left, so it may be cut (retried): never lost.
        assertThat(succeeded).isPositive();
        assertThat(notStarted).isPositive();
        assertThat(succeeded + cut + notStarted).isEqualTo(10);
        assertThat(succeeded + cut).isEqualTo(calls.get());
        assertThat(failed).hasSize(10 - (int) succeeded);
    }

    @Test
    void tryTimeout_cutsASlowJob_andRetriesIt() {
        var m = message(envelope("slow", "test.slow"), 1);
        long start = System.nanoTime();
        Set<String> failed = worker(config(10, Duration.ofMillis(100), Duration.ofMillis(500))).process(List.of(m), PLENTY_OF_TIME);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(290));
        assertThat(failed).containsExactly(m.messageId());
        assertThat(events.forJob("slow").errorClass()).isEqualTo("Timeout");
    }

    @Test
    void tryTimeout_neverExceedsTheInvocationsRemainingTime() {
        var m = message(envelope("slow", "test.slow"), 1);
        long end = System.currentTimeMillis() + 500 + 100;
        long start = System.nanoTime();
        worker(config(10, Duration.ofSeconds(30), Duration.ofMillis(500))).process(List.of(m), () -> end - System.currentTimeMillis());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(290));
        assertThat(events.forJob("slow").errorClass()).isEqualTo("Timeout");
    }

    @Test
    void batch_runsConcurrently_soTenSlowJobsTakeAboutAsLongAsOne() {
        var batch = new java.util.ArrayList<ReceivedMessage>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(envelope("c" + i, "test.slow"), 1));
        }
        long start = System.nanoTime();
        assertThat(worker().process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500)); // serial: 3 s
    }

    @Test
    void concurrency_isBounded() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        JobHandlerRegistry counting = new JobHandlerRegistry().register(handler("test.count", (job, attempt) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(100);
            running.decrementAndGet();
            return new JobOutcome.Succeeded("ok");
        }));
        var worker = new JobWorker(counting, () -> sqs, config(3, Duration.ofSeconds(5), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var batch = new java.util.ArrayList<ReceivedMessage>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(envelope("p" + i, "test.count"), 1));
        }
        assertThat(worker.process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(peak.get()).isEqualTo(3);
    }

    @Test
    void redrivePolicy_isLookedUpOncePerQueue() {
        JobWorker worker = worker();
        worker.process(List.of(message(envelope("d1", "test.dead"), 1)), PLENTY_OF_TIME);
        worker.process(List.of(message(envelope("d2", "test.dead"), 1)), PLENTY_OF_TIME);
        worker.process(List.of(message(envelope("r1", "test.retry"), 1)), PLENTY_OF_TIME);
        assertThat(sqs.attributeLookups).hasValue(1);
    }

    @Test
    void handlerFactoryFailure_isRetried_notLost() {
        JobHandlerRegistry broken = new JobHandlerRegistry().register("test.cfg", () -> {
            throw new dev.outrigger.core.ConfigException("environment variable DJANGO_BASE_URL is not set");
        });
        var worker = new JobWorker(broken, () -> sqs, config(3, Duration.ofSeconds(5), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var m = message(envelope("c", "test.cfg"), 1);
        assertThat(worker.process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
        assertThat(events.forJob("c").errorClass()).isEqualTo("ConfigError");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
