package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.amazonaws.services.lambda.runtime.tests.annotations.Events;
import dev.outrigger.core.InvalidEnvelopeException;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Every sample of events/sqs/ (the files `sam local invoke -e` takes) through the real {@link SqsJobWorkerHandler} and
 * {@link JobWorker}, with the real {@code sns.publish} and {@code events.put} handlers on {@link FakeSns} and
 * {@link FakeEventBridge}; {@code django.task} and {@code webhook} are stand-ins (their HTTP paths have their own ITs).
 * For each file and each state of the downstream services, the batch response must list exactly the messages that
 * should come back: the expected set is worked out here from the records, independently of the worker.
 */
class SqsEventSamplesTest {
    static final String OPS = "arn:aws:sns:us-east-1:123456789012:outrigger-ops";
    static final Set<String> KNOWN_TYPES = Set.of("django.task", "webhook", "sns.publish", "events.put");
    static final int MAX_RECEIVE_COUNT = 5;

    enum Downstream { HEALTHY, TRANSIENT, PERMANENT }

    private final FakeSqs sqs = new FakeSqs();
    private final FakeSns sns = new FakeSns(OPS);
    private final FakeEventBridge events = new FakeEventBridge("default");
    private final Map<String, Integer> httpCalls = new ConcurrentHashMap<>();

    private SqsJobWorkerHandler handler(Downstream downstream) {
        JobHandlerRegistry registry = new JobHandlerRegistry()
                .register(new SnsPublishHandler(() -> sns, Map.of("ops", OPS)))
                .register(new EventsPutHandler(() -> events, "default"));
        for (String type : List.of("django.task", "webhook")) {
            registry.register(TestJobs.handler(type, (job, attempt) -> {
                httpCalls.merge(type, 1, Integer::sum);
                return switch (downstream) {
                    case HEALTHY -> new JobOutcome.Succeeded("200");
                    case TRANSIENT -> new JobOutcome.Retry("Http503", "HTTP 503", Duration.ofSeconds(30));
                    case PERMANENT -> new JobOutcome.DeadLetter("Http422", "HTTP 422");
                };
            }));
        }
        for (int i = 0; i < 20; i++) {
            switch (downstream) {
                case HEALTHY -> { }
                case TRANSIENT -> {
                    sns.failures.add(FakeSns.throttled());
                    events.entryErrors.add(new FakeEventBridge.EntryError("ThrottlingException", "Rate exceeded."));
                }
                case PERMANENT -> {
                    sns.failures.add(FakeSns.unauthorized());
                    events.entryErrors.add(new FakeEventBridge.EntryError("AccessDeniedException", "denied"));
                }
            }
        }
        WorkerConfig config = new WorkerConfig(10, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(900), Optional.empty());
        return new SqsJobWorkerHandler(new JobWorker(registry, () -> sqs, config, new RecordingEvents(),
                Clock.systemUTC(), new Random(7)));
    }

    /** A record's job, or empty when its body is not a valid envelope. */
    private static Optional<JobEnvelope> envelope(SQSEvent.SQSMessage record) {
        try {
            return Optional.of(JobEnvelope.parse(record.getBody()));
        } catch (InvalidEnvelopeException e) {
            return Optional.empty();
        }
    }

    private static int receiveCount(SQSEvent.SQSMessage record) {
        return Integer.parseInt(record.getAttributes().get("ApproximateReceiveCount"));
    }

    private static String group(SQSEvent.SQSMessage record) {
        return record.getAttributes().get("MessageGroupId");
    }

    /**
     * The message ids that should be reported failed: with a transient downstream, every message of a known type
     * whose job's first message in the batch (the copy that runs; on a FIFO queue, within its message group) is not on
     * its last allowed attempt; and, on a FIFO queue, every message behind such a one in its group ({@link #held}).
     */
    private static Set<String> expectedFailures(SQSEvent event, Downstream downstream) {
        if (downstream != Downstream.TRANSIENT) {
            return Set.of();
        }
        Map<String, SQSEvent.SQSMessage> leaders = new HashMap<>();
        Set<String> expected = new LinkedHashSet<>(held(event, downstream));
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            Optional<JobEnvelope> job = envelope(record);
            if (job.isEmpty() || !KNOWN_TYPES.contains(job.get().type())) {
                continue;
            }
            SQSEvent.SQSMessage leader = leaders.computeIfAbsent(group(record) + "/" + job.get().id(), id -> record);
            int allowed = Math.min(MAX_RECEIVE_COUNT, job.get().maxAttempts() == null ? Integer.MAX_VALUE : job.get().maxAttempts());
            if (receiveCount(leader) < allowed) {
                expected.add(record.getMessageId());
            }
        }
        return expected;
    }

    /**
     * FIFO: the messages after the first one of their group that comes back (a known type retried before its last
     * allowed attempt); they are reported failed without running. A job that is parked does not hold its group.
     */
    private static Set<String> held(SQSEvent event, Downstream downstream) {
        Set<String> held = new LinkedHashSet<>();
        if (downstream != Downstream.TRANSIENT) {
            return held;
        }
        Set<String> stopped = new HashSet<>();
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            String group = group(record);
            if (group == null) {
                continue;
            }
            if (stopped.contains(group)) {
                held.add(record.getMessageId());
                continue;
            }
            Optional<JobEnvelope> job = envelope(record);
            int allowed = job.map(j -> Math.min(MAX_RECEIVE_COUNT, j.maxAttempts() == null ? Integer.MAX_VALUE : j.maxAttempts()))
                    .orElse(0);
            if (job.isPresent() && KNOWN_TYPES.contains(job.get().type()) && receiveCount(record) < allowed) {
                stopped.add(group);
            }
        }
        return held;
    }

    /** The jobs that should have one DLQ copy each: everything that is not retried and does not succeed. */
    private static Set<String> expectedDeadLetterBodies(SQSEvent event, Downstream downstream) {
        Set<String> retried = expectedFailures(event, downstream);
        Map<String, String> firstBodyPerJob = new LinkedHashMap<>();
        Set<String> bodies = new LinkedHashSet<>();
        Set<String> held = held(event, downstream);
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            if (held.contains(record.getMessageId())) {
                continue;   // never run, so never parked
            }
            Optional<JobEnvelope> job = envelope(record);
            if (job.isEmpty()) {
                bodies.add(record.getBody());
                continue;
            }
            if (firstBodyPerJob.putIfAbsent(group(record) + "/" + job.get().id(), record.getBody()) != null) {
                continue; // a duplicate within the batch shares its leader's single DLQ copy
            }
            boolean known = KNOWN_TYPES.contains(job.get().type());
            if (!known || (downstream == Downstream.PERMANENT)
                    || (downstream == Downstream.TRANSIENT && !retried.contains(record.getMessageId()))) {
                bodies.add(record.getBody());
            }
        }
        return bodies;
    }

    private static Set<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .collect(Collectors.toSet());
    }

    private void check(SQSEvent event, Downstream downstream) {
        assertThat(event.getRecords()).isNotEmpty();
        SQSBatchResponse response = handler(downstream).handleRequest(event, new FakeContext(60_000));

        assertThat(failedIds(response)).as("batch item failures (%s)", downstream)
                .containsExactlyInAnyOrderElementsOf(expectedFailures(event, downstream));
        assertThat(response.getBatchItemFailures()).doesNotHaveDuplicates();
        assertThat(sqs.sent).extracting(r -> r.messageBody()).as("DLQ copies (%s)", downstream)
                .containsExactlyInAnyOrderElementsOf(expectedDeadLetterBodies(event, downstream));
        // Every retried message got the backoff (Retry-After 30 s from the stand-ins, or the jittered backoff); every
        // held one visibility 0, to come back right behind the one it waits for.
        Set<String> heldHandles = event.getRecords().stream().filter(r -> held(event, downstream).contains(r.getMessageId()))
                .map(SQSEvent.SQSMessage::getReceiptHandle).collect(Collectors.toSet());
        assertThat(sqs.visibility).hasSize(expectedFailures(event, downstream).size())
                .allSatisfy(v -> assertThat(v.visibilityTimeout()).isBetween(0, heldHandles.contains(v.receiptHandle()) ? 0 : 900));
    }

    @ParameterizedTest
    @Events(folder = "sqs", type = SQSEvent.class)
    void sample_withHealthyDownstream_reportsNothingFailed(SQSEvent event) {
        check(event, Downstream.HEALTHY);
        long sent = event.getRecords().stream().map(SqsEventSamplesTest::envelope).flatMap(Optional::stream)
                .filter(j -> j.type().equals("sns.publish")).map(JobEnvelope::id).distinct().count();
        assertThat(sns.published).hasSize((int) sent);
        long put = event.getRecords().stream().map(SqsEventSamplesTest::envelope).flatMap(Optional::stream)
                .filter(j -> j.type().equals("events.put")).map(JobEnvelope::id).distinct().count();
        assertThat(events.accepted).hasSize((int) put);
    }

    @ParameterizedTest
    @Events(folder = "sqs", type = SQSEvent.class)
    void sample_withThrottledOrUnavailableDownstream_reportsExactlyTheRetriableMessages(SQSEvent event) {
        check(event, Downstream.TRANSIENT);
    }

    @ParameterizedTest
    @Events(folder = "sqs", type = SQSEvent.class)
    void sample_withPermanentDownstreamErrors_parksEveryJobAndReportsNothingFailed(SQSEvent event) {
        check(event, Downstream.PERMANENT);
    }

    @ParameterizedTest
    @Events(folder = "sqs", type = SQSEvent.class)
    void sample_onItsLastAllowedReceive_withTransientErrors_isParkedNotRetried(SQSEvent event) {
        event.getRecords().forEach(r -> r.getAttributes().put("ApproximateReceiveCount", String.valueOf(MAX_RECEIVE_COUNT)));
        assertThat(expectedFailures(event, Downstream.TRANSIENT)).isEmpty();
        check(event, Downstream.TRANSIENT);
    }

    @ParameterizedTest
    @Event(value = "sqs/fifo-batch.json", type = SQSEvent.class)
    void fifoSample_aTransientFailureHoldsTheRestOfItsGroupUnrun(SQSEvent event) {
        List<String> ids = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();
        // customer-42's django.task (1st) and customer-7's webhook (2nd) are retried: everything behind them is held.
        assertThat(held(event, Downstream.TRANSIENT)).containsExactly(ids.get(2), ids.get(3), ids.get(4), ids.get(5));

        check(event, Downstream.TRANSIENT);

        assertThat(httpCalls).containsOnly(Map.entry("django.task", 1), Map.entry("webhook", 1));
        assertThat(sns.calls).as("the held sns.publish").hasValue(0);
        assertThat(events.calls).as("the held events.put").hasValue(0);
    }

    @ParameterizedTest
    @Events(folder = "sqs", type = SQSEvent.class)
    void sample_withNoTimeLeft_reportsEveryMessageFailed_andRunsNothing(SQSEvent event) {
        SQSBatchResponse response = handler(Downstream.HEALTHY).handleRequest(event, new FakeContext(100));
        assertThat(failedIds(response)).containsExactlyInAnyOrderElementsOf(
                event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList());
        assertThat(sqs.sent).isEmpty();
        assertThat(sns.calls).hasValue(0);
        assertThat(events.calls).hasValue(0);
        assertThat(httpCalls).isEmpty();
    }
}
