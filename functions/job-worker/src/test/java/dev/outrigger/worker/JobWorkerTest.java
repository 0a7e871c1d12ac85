package dev.outrigger.worker;

import static dev.outrigger.worker.TestJobs.envelope;
import static dev.outrigger.worker.TestJobs.fifoMessage;
import static dev.outrigger.worker.TestJobs.handler;
import static dev.outrigger.worker.TestJobs.ids;
import static dev.outrigger.worker.TestJobs.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.outrigger.core.ConfigException;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
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
    /** The invocation's remaining time as the test's clock tells it (handlers use it up on purpose). */
    private final AtomicLong remaining = new AtomicLong();
    private final AtomicInteger interrupted = new AtomicInteger();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final List<String> ran = new CopyOnWriteArrayList<>();
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
            .register(handler("test.consume", (job, attempt) -> {
                // Uses up 300 ms of the invocation on the test's clock: no real time passes.
                calls.incrementAndGet();
                remaining.addAndGet(-300);
                return new JobOutcome.Succeeded("consumed");
            }))
            .register(handler("test.hang", (job, attempt) -> {
                // Blocks until the worker interrupts it at the try's timeout; left alone it would finish (and fail
                // the test) after a minute, so a missing timeout cannot hang the build.
                calls.incrementAndGet();
                try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                    return new JobOutcome.Succeeded("never cut");
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    return new JobOutcome.Succeeded("interrupted, too late to count");
                }
            }))
            .register(handler("test.order", (job, attempt) -> {
                ran.add(job.id());
                return switch (job.meta().getOrDefault("outcome", "ok")) {
                    case "retry" -> new JobOutcome.Retry("Http503", "HTTP 503", null);
                    case "dead" -> new JobOutcome.DeadLetter("Http422", "HTTP 422");
                    default -> new JobOutcome.Succeeded("ok");
                };
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
        var byBody = sqs.sent.stream().collect(Collectors.toMap(SendMessageRequest::messageBody, r -> r));
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
        var batch = new ArrayList<ReceivedMessage>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(envelope("s" + i, "test.consume"), 1));
        }
        // The margin (500 ms) plus 700 ms of work: each job uses up 300 ms, so after three there is not enough left.
        remaining.set(500 + 700);
        Set<String> failed = worker(config(1, Duration.ofSeconds(5), Duration.ofMillis(500))).process(batch, remaining::get);

        assertThat(calls).hasValue(3);
        // In any order: the rest is reported not started as soon as no time is left, which may be while s2 still runs.
        assertThat(events.reports).extracting(JobReport::jobId, JobReport::outcome).containsExactlyInAnyOrder(
                tuple("s0", JobReport.Disposition.SUCCEEDED), tuple("s1", JobReport.Disposition.SUCCEEDED),
                tuple("s2", JobReport.Disposition.SUCCEEDED), tuple("s3", JobReport.Disposition.NOT_STARTED),
                tuple("s4", JobReport.Disposition.NOT_STARTED), tuple("s5", JobReport.Disposition.NOT_STARTED),
                tuple("s6", JobReport.Disposition.NOT_STARTED), tuple("s7", JobReport.Disposition.NOT_STARTED),
                tuple("s8", JobReport.Disposition.NOT_STARTED), tuple("s9", JobReport.Disposition.NOT_STARTED));
        assertThat(failed).containsExactlyElementsOf(ids(batch.subList(3, 10)));
    }

    @Test
    void tryTimeout_cutsAHangingJob_interruptsIt_andRetriesIt() {
        var m = message(envelope("hang", "test.hang"), 1);
        Set<String> failed = worker(config(10, Duration.ofMillis(100), Duration.ofMillis(500))).process(List.of(m), PLENTY_OF_TIME);

        assertThat(failed).containsExactly(m.messageId());
        assertThat(events.forJob("hang").errorClass()).isEqualTo("Timeout");
        await("the handler to see its interrupt", () -> interrupted.get() == 1);
    }

    @Test
    void tryTimeout_neverExceedsTheInvocationsRemainingTime() {
        Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        List<JobAttempt> attempts = new CopyOnWriteArrayList<>();
        JobHandlerRegistry recording = new JobHandlerRegistry().register(handler("test.deadline", (job, attempt) -> {
            attempts.add(attempt);
            return new JobOutcome.Succeeded("ok");
        }));
        var worker = new JobWorker(recording, () -> sqs, config(10, Duration.ofSeconds(30), Duration.ofMillis(500)), events,
                fixed, new Random(1));

        worker.process(List.of(message(envelope("d", "test.deadline"), 1)), () -> 500 + 100);

        // 30 s allowed per try, but only 100 ms left before the margin: the try gets exactly those 100 ms.
        assertThat(attempts).singleElement().extracting(JobAttempt::deadline).isEqualTo(fixed.instant().plusMillis(100));
    }

    @Test
    void batch_runsConcurrently_soTenJobsAreUnderWayAtOnce() {
        var allTen = new CyclicBarrier(10);
        JobHandlerRegistry meeting = new JobHandlerRegistry().register(handler("test.meet", (job, attempt) -> {
            try {
                allTen.await(30, TimeUnit.SECONDS);   // only passes if all ten run at once
                return new JobOutcome.Succeeded("met");
            } catch (Exception e) {
                return new JobOutcome.Retry("NotConcurrent", String.valueOf(e), null);
            }
        }));
        var worker = new JobWorker(meeting, () -> sqs, config(10, Duration.ofSeconds(60), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var batch = new ArrayList<ReceivedMessage>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(envelope("c" + i, "test.meet"), 1));
        }
        assertThat(worker.process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(events.reports).extracting(JobReport::outcome).containsOnly(JobReport.Disposition.SUCCEEDED).hasSize(10);
    }

    @Test
    void concurrency_isBounded() {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch threeRunning = new CountDownLatch(3);
        JobHandlerRegistry counting = new JobHandlerRegistry().register(handler("test.count", (job, attempt) -> {
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
            threeRunning.countDown();
            try {
                // The first three wait until all three are in, so a fourth would be let in if the bound were wrong.
                threeRunning.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            active.decrementAndGet();
            return new JobOutcome.Succeeded("ok");
        }));
        var worker = new JobWorker(counting, () -> sqs, config(3, Duration.ofSeconds(60), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var batch = new ArrayList<ReceivedMessage>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(envelope("p" + i, "test.count"), 1));
        }
        assertThat(worker.process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(peak.get()).isEqualTo(3);
    }

    // ---- FIFO: a message group's jobs run one at a time, in order; a failure holds the rest of its group ----

    private static String ordered(String id, String group, String outcome) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) read(envelope(id, "test.order"));
        node.putObject("meta").put("group", group).put("outcome", outcome);
        return Json.write(node);
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void fifo_aRetriedJob_holdsTheRestOfItsGroupUnattempted_andOtherGroupsGoOn() {
        var a1 = fifoMessage(ordered("a1", "A", "ok"), "A", 1);
        var b1 = fifoMessage(ordered("b1", "B", "ok"), "B", 1);
        var a2 = fifoMessage(ordered("a2", "A", "retry"), "A", 1);
        var a3 = fifoMessage(ordered("a3", "A", "ok"), "A", 1);
        var b2 = fifoMessage(ordered("b2", "B", "ok"), "B", 1);

        Set<String> failed = worker().process(List.of(a1, b1, a2, a3, b2), PLENTY_OF_TIME);

        assertThat(failed).containsExactlyInAnyOrder(a2.messageId(), a3.messageId());
        assertThat(ran).containsSubsequence("a1", "a2").contains("b1", "b2").doesNotContain("a3");
        assertThat(ran).containsSubsequence("b1", "b2");
        assertThat(events.forJob("a3")).extracting(JobReport::outcome, JobReport::errorClass)
                .containsExactly(JobReport.Disposition.HELD, JobWorker.HELD_BEHIND_FAILURE);
        // a2 waits out its backoff in flight; a3 is visible at once and SQS hands it out after a2 (the group's lock).
        assertThat(sqs.visibility).extracting(ChangeMessageVisibilityRequest::receiptHandle)
                .containsExactlyInAnyOrder(a2.receiptHandle(), a3.receiptHandle());
        assertThat(sqs.visibility).filteredOn(v -> v.receiptHandle().equals(a3.receiptHandle()))
                .extracting(ChangeMessageVisibilityRequest::visibilityTimeout).containsExactly(0);
    }

    @Test
    void fifo_aGroupRunsOneJobAtATime_inBatchOrder() {
        JobHandlerRegistry lingering = new JobHandlerRegistry().register(handler("test.order", (job, attempt) -> {
            AtomicInteger inGroup = running.computeIfAbsent(job.meta().get("group"), g -> new AtomicInteger());
            inGroup.incrementAndGet();
            ran.add(job.id());
            // Stay a moment, long enough for a wrongly concurrent next job of the group to show up.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            while (System.nanoTime() < until && inGroup.get() == 1) {
                Thread.onSpinWait();
            }
            overlaps.accumulateAndGet(inGroup.get(), Math::max);
            inGroup.decrementAndGet();
            return new JobOutcome.Succeeded("ok");
        }));
        var worker = new JobWorker(lingering, () -> sqs, config(10, Duration.ofSeconds(60), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var batch = new ArrayList<ReceivedMessage>();
        for (int i = 0; i < 5; i++) {
            batch.add(fifoMessage(ordered("x" + i, "X", "ok"), "X", 1));
            batch.add(fifoMessage(ordered("y" + i, "Y", "ok"), "Y", 1));
        }
        assertThat(worker.process(batch, PLENTY_OF_TIME)).isEmpty();
        assertThat(overlaps).as("jobs of one group running at the same time").hasValue(1);
        assertThat(ran).containsSubsequence("x0", "x1", "x2", "x3", "x4").containsSubsequence("y0", "y1", "y2", "y3", "y4");
    }

    @Test
    void fifo_groupsRunInParallel() {
        var bothGroups = new CyclicBarrier(2);
        JobHandlerRegistry meeting = new JobHandlerRegistry().register(handler("test.order", (job, attempt) -> {
            try {
                bothGroups.await(30, TimeUnit.SECONDS);
                return new JobOutcome.Succeeded("met");
            } catch (Exception e) {
                return new JobOutcome.Retry("NotParallel", String.valueOf(e), null);
            }
        }));
        var worker = new JobWorker(meeting, () -> sqs, config(10, Duration.ofSeconds(60), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var batch = List.of(fifoMessage(ordered("p1", "P", "ok"), "P", 1), fifoMessage(ordered("q1", "Q", "ok"), "Q", 1));
        assertThat(worker.process(batch, PLENTY_OF_TIME)).isEmpty();
    }

    @Test
    void fifo_aJobTheWorkerDeadLetters_isFinished_soItsGroupGoesOn() {
        var a1 = fifoMessage(ordered("a1", "A", "dead"), "A", 1);
        var broken = fifoMessage("{\"version\":1,", "A", 1);
        var a2 = fifoMessage(ordered("a2", "A", "ok"), "A", 1);

        assertThat(worker().process(List.of(a1, broken, a2), PLENTY_OF_TIME)).isEmpty();
        assertThat(ran).containsExactly("a1", "a2");
        assertThat(sqs.sent).hasSize(2);   // a1 and the malformed body, each with its reason
    }

    @Test
    void fifo_aDeadLetterThatCannotBeParked_holdsItsGroup() {
        sqs.failSends = true;
        var a1 = fifoMessage(ordered("a1", "A", "dead"), "A", 1);
        var a2 = fifoMessage(ordered("a2", "A", "ok"), "A", 1);

        assertThat(worker().process(List.of(a1, a2), PLENTY_OF_TIME)).containsExactly(a1.messageId(), a2.messageId());
        assertThat(ran).containsExactly("a1");
        assertThat(events.forJob("a1").outcome()).isEqualTo(JobReport.Disposition.DEAD_LETTER_FAILED);
    }

    @Test
    void fifo_nearTheDeadline_theRestOfTheGroupIsNotStarted_andKeepsItsOrder() {
        JobHandlerRegistry consuming = new JobHandlerRegistry().register(handler("test.order", (job, attempt) -> {
            ran.add(job.id());
            remaining.addAndGet(-300);
            return new JobOutcome.Succeeded("ok");
        }));
        var worker = new JobWorker(consuming, () -> sqs, config(10, Duration.ofSeconds(5), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var batch = List.of(fifoMessage(ordered("g1", "G", "ok"), "G", 1), fifoMessage(ordered("g2", "G", "ok"), "G", 1),
                fifoMessage(ordered("g3", "G", "ok"), "G", 1));
        remaining.set(500 + 500);   // room for two jobs of 300 ms, not three

        Set<String> failed = worker.process(batch, remaining::get);

        assertThat(ran).containsExactly("g1", "g2");
        assertThat(failed).containsExactly(batch.get(2).messageId());
        assertThat(events.forJob("g3").outcome()).isEqualTo(JobReport.Disposition.NOT_STARTED);
    }

    @Test
    void fifo_aRepeatedJobIdRunsOncePerGroup() {
        var a1 = fifoMessage(ordered("same", "A", "ok"), "A", 1);
        var a2 = fifoMessage(ordered("same", "A", "ok"), "A", 1);
        var b1 = fifoMessage(ordered("same", "B", "ok"), "B", 1);

        assertThat(worker().process(List.of(a1, a2, b1), PLENTY_OF_TIME)).isEmpty();
        assertThat(ran).containsExactly("same", "same");   // once in A (a2 shares it), once in B
    }

    @Test
    void fifo_aCopyBehindAFailureOfItsGroup_isHeldToo() {
        var x1 = fifoMessage(ordered("x", "A", "ok"), "A", 1);
        var y = fifoMessage(ordered("y", "A", "retry"), "A", 1);
        var x2 = fifoMessage(ordered("x", "A", "ok"), "A", 1);

        assertThat(worker().process(List.of(x1, y, x2), PLENTY_OF_TIME)).containsExactly(y.messageId(), x2.messageId());
        assertThat(ran).containsExactly("x", "y");
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
            throw new ConfigException("environment variable DJANGO_BASE_URL is not set");
        });
        var worker = new JobWorker(broken, () -> sqs, config(3, Duration.ofSeconds(5), Duration.ofMillis(500)), events,
                Clock.systemUTC(), new Random(1));
        var m = message(envelope("c", "test.cfg"), 1);
        assertThat(worker.process(List.of(m), PLENTY_OF_TIME)).containsExactly(m.messageId());
        assertThat(events.forJob("c").errorClass()).isEqualTo("ConfigError");
    }

    private static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);   // polling interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}

