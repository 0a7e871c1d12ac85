package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import dev.outrigger.testing.EmbeddedElasticMq;
import dev.outrigger.testing.StandInDjango.Answer;
import dev.outrigger.testing.StandInDjango;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The real handler consuming from a real SQS protocol (embedded ElasticMQ, real RedrivePolicy) and calling a real
 * HTTP server standing in for Django, which verifies every signature. A small loop plays Lambda's event source
 * mapping: receive up to 10, invoke, delete what was not reported failed.
 */
class JobWorkerIT {
    private static final String SECRET = "it-secret-not-for-production";
    private static final int OK = 550;
    private static final int FLAKY = 200;
    private static final int PERMANENT = 100;
    private static final int EXHAUSTED = 50;
    private static final int MALFORMED = 50;
    private static final int UNKNOWN = 50;
    private static final int TOTAL = OK + FLAKY + PERMANENT + EXHAUSTED + MALFORMED + UNKNOWN;

    private EmbeddedElasticMq elasticMq;
    private StandInDjango django;
    private SqsClient sqs;
    private String jobsUrl;
    private String jobsArn;
    private String dlqUrl;

    /** Job id → successful (first 2xx) calls; and every call per id, for the flaky ones. */
    private final Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        elasticMq = EmbeddedElasticMq.start();
        // Django's task endpoint (every signature checked by the stand-in): the task name says how it answers.
        django = StandInDjango.start(SECRET, call -> {
            if (!call.route().startsWith("tasks/")) {
                return Answer.json(404, "");
            }
            JsonNode request = call.json();
            String id = request.get("id").asText();
            String task = request.get("task").asText();
            int attempt = tries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            int status = switch (task.split("\\.")[0]) {
                case "ok" -> 200;
                case "flaky" -> attempt >= Integer.parseInt(task.split("\\.")[1]) ? 200 : 503;
                case "bad" -> 422;
                default -> 503; // "down": always failing
            };
            if (status == 200) {
                // Django treats a repeated job id as already done (409), counting it once.
                status = done.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1 ? 200 : 409;
            }
            return Answer.json(status, "");
        });

        Env env = Env.of(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_SQS", elasticMq.endpoint().toString(),
                "DJANGO_BASE_URL", django.baseUrl().toString(),
                "OUTRIGGER_SIGNING_SECRET", SECRET,
                "OUTRIGGER_BACKOFF_BASE_S", "1",
                "OUTRIGGER_BACKOFF_CAP_S", "1",
                "OUTRIGGER_SAFETY_MARGIN_MS", "1000",
                "OUTRIGGER_JOB_TIMEOUT_S", "10"));
        this.env = env;
        sqs = AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build();
        dlqUrl = sqs.createQueue(r -> r.queueName("jobs-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        jobsUrl = sqs.createQueue(r -> r.queueName("jobs").attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "5",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}"))).queueUrl();
        jobsArn = sqs.getQueueAttributes(r -> r.queueUrl(jobsUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private Env env;

    @AfterEach
    void stop() {
        if (sqs != null) {
            sqs.close();
        }
        if (django != null) {
            django.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
    }

    @Test
    void thousandJobs_areEachDoneOnce_orInTheDlqWithTheRightReason_noneLost() throws Exception {
        Map<String, String> expectedError = new HashMap<>(); // job id (or body for malformed) → outrigger-error
        Set<String> mustSucceed = ConcurrentHashMap.newKeySet();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            String id = "job-" + i;
            if (i < OK) {
                bodies.add(task(id, "ok.report"));
                mustSucceed.add(id);
            } else if (i < OK + FLAKY) {
                bodies.add(task(id, "flaky." + (2 + i % 2))); // succeeds on the 2nd or 3rd try
                mustSucceed.add(id);
            } else if (i < OK + FLAKY + PERMANENT) {
                bodies.add(task(id, "bad.input"));
                expectedError.put(id, "Http422");
            } else if (i < OK + FLAKY + PERMANENT + EXHAUSTED) {
                bodies.add(task(id, "down.service"));
                expectedError.put(id, "Http503");
            } else if (i < OK + FLAKY + PERMANENT + EXHAUSTED + MALFORMED) {
                String body = i % 2 == 0 ? "{\"version\":1,\"id\":\"" + id + "\"," : "{\"version\":1,\"id\":\"" + id + "\",\"type\":\"django.task\",\"payload\":{}}";
                bodies.add(body);
                expectedError.put(body, "InvalidEnvelope");
            } else {
                bodies.add(Json.write(Json.MAPPER.createObjectNode().put("version", 1).put("id", id).put("type", "video.transcode")
                        .put("created_at", "2026-01-01T00:00:00Z").set("payload", Json.MAPPER.createObjectNode())));
                expectedError.put(id, "UnknownJobType");
            }
        }
        for (int i = 0; i < bodies.size(); i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < Math.min(i + 10, bodies.size()); j++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + j).messageBody(bodies.get(j)).build());
            }
            assertThat(sqs.sendMessageBatch(r -> r.queueUrl(jobsUrl).entries(entries)).failed()).isEmpty();
        }

        SqsJobWorkerHandler handler = new SqsJobWorkerHandler(env);
        long start = System.nanoTime();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(50));
        AtomicInteger invocations = new AtomicInteger();
        AtomicInteger reportedFailed = new AtomicInteger();
        ExecutorService pollers = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            running.add(pollers.submit(() -> {
                while (Instant.now().isBefore(deadline) && !settled(mustSucceed.size(), expectedError.size())) {
                    List<Message> received = sqs.receiveMessage(r -> r.queueUrl(jobsUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
                    if (received.isEmpty()) {
                        continue;
                    }
                    SQSBatchResponse response = handler.handleRequest(event(received), new FakeContext(30_000));
                    invocations.incrementAndGet();
                    Set<String> failed = response.getBatchItemFailures().stream()
                            .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
                    reportedFailed.addAndGet(failed.size());
                    List<DeleteMessageBatchRequestEntry> deletes = received.stream().filter(m -> !failed.contains(m.messageId()))
                            .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                            .toList();
                    if (!deletes.isEmpty()) {
                        sqs.deleteMessageBatch(r -> r.queueUrl(jobsUrl).entries(deletes));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pollers.shutdown();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // Drain the DLQ and account for every message in it.
        Map<String, String> parked = new HashMap<>();
        List<String> duplicatesInDlq = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(60).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message m : batch) {
                String key = m.messageAttributes().containsKey(DeadLetters.JOB_ID)
                        ? m.messageAttributes().get(DeadLetters.JOB_ID).stringValue() : m.body();
                String previous = parked.put(key, m.messageAttributes().get(DeadLetters.ERROR).stringValue());
                if (previous != null) {
                    duplicatesInDlq.add(key);
                }
                assertThat(m.messageAttributes().get(DeadLetters.SOURCE_QUEUE).stringValue()).isEqualTo("jobs");
                assertThat(m.messageAttributes().get(DeadLetters.ERROR_MESSAGE).stringValue().getBytes(StandardCharsets.UTF_8).length)
                        .isBetween(1, 1024);
            }
        }
        long doneOnce = mustSucceed.stream().filter(id -> done.containsKey(id) && done.get(id).get() == 1).count();
        long doneTwice = done.values().stream().filter(c -> c.get() > 1).count();
        long lost = mustSucceed.stream().filter(id -> !done.containsKey(id)).count()
                + expectedError.keySet().stream().filter(k -> !parked.containsKey(k)).count();
        long wrongReason = expectedError.entrySet().stream().filter(e -> parked.containsKey(e.getKey())
                && !e.getValue().equals(parked.get(e.getKey()))).count();
        Map<String, Long> dlqByError = parked.values().stream().collect(Collectors.groupingBy(e -> e, TreeMap::new, Collectors.counting()));
        String leftOnQueue = sqs.getQueueAttributes(r -> r.queueUrl(jobsUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes().values().toString();
        System.out.printf("JobWorkerIT: %d jobs in %d ms, %d invocations, %d items reported failed (retries); "
                        + "done at Django once: %d of %d (done more than once: %d), DLQ: %d %s, duplicates in DLQ: %d, "
                        + "lost: %d, wrong reason: %d, bad signatures: %d, left on queue (visible, in flight): %s%n",
                TOTAL, took.toMillis(), invocations.get(), reportedFailed.get(), doneOnce, mustSucceed.size(), doneTwice,
                parked.size(), dlqByError, duplicatesInDlq.size(), lost, wrongReason, django.badSignatures(), leftOnQueue);

        assertThat(django.badSignatures()).isZero();
        assertThat(doneOnce).isEqualTo(OK + FLAKY);
        assertThat(doneTwice).isZero();
        assertThat(lost).isZero();
        assertThat(wrongReason).isZero();
        assertThat(duplicatesInDlq).isEmpty();
        assertThat(parked).hasSize(PERMANENT + EXHAUSTED + MALFORMED + UNKNOWN);
        assertThat(dlqByError).containsEntry("Http422", (long) PERMANENT).containsEntry("Http503", (long) EXHAUSTED)
                .containsEntry("InvalidEnvelope", (long) MALFORMED).containsEntry("UnknownJobType", (long) UNKNOWN);
        // Flaky jobs really were retried: each needed 2 or 3 tries. Exhausted ones were tried exactly 5 times.
        for (int i = OK; i < OK + FLAKY; i++) {
            assertThat(tries.get("job-" + i)).as("tries of flaky job-%d", i).hasValue(2 + i % 2);
        }
        assertThat(expectedError.entrySet().stream().filter(e -> e.getValue().equals("Http503"))
                .mapToInt(e -> tries.get(e.getKey()).get())).containsOnly(5);
        assertThat(leftOnQueue).isEqualTo("[0, 0]");
    }

    /**
     * Lambda Managed Instances run many invocations at once in one JVM, through one handler instance: 50 batches of
     * 10 go through one {@link SqsJobWorkerHandler} together (released at the same moment, each on its own thread),
     * and every batch must settle exactly as it would alone. Per batch: 6 jobs that succeed, 1 that gets a 503 on
     * its first try (reported failed), a 422, a malformed body and an unknown type (each parked once, with its reason).
     */
    @Test
    void fiftyConcurrentInvocations_ofOneHandler_settleEveryBatchAsIfItRanAlone() throws Exception {
        int batches = 50;
        List<String> bodies = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            for (int j = 0; j < 6; j++) {
                bodies.add(task("c" + b + "-ok-" + j, "ok.report"));
            }
            bodies.add(task("c" + b + "-flaky", "flaky.2"));
            bodies.add(task("c" + b + "-bad", "bad.input"));
            bodies.add("{\"version\":1,\"id\":\"c" + b + "-malformed\",");
            bodies.add(Json.write(Json.MAPPER.createObjectNode().put("version", 1).put("id", "c" + b + "-unknown")
                    .put("type", "video.transcode").put("created_at", "2026-01-01T00:00:00Z").set("payload", Json.MAPPER.createObjectNode())));
        }
        for (int i = 0; i < bodies.size(); i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < i + 10; j++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + j).messageBody(bodies.get(j)).build());
            }
            assertThat(sqs.sendMessageBatch(r -> r.queueUrl(jobsUrl).entries(entries)).failed()).isEmpty();
        }
        // Receive everything first (held for 5 minutes), then cut it back into the planned batches.
        Map<String, Message> byBody = new HashMap<>();
        Instant receiveBy = Instant.now().plusSeconds(30);
        while (byBody.size() < bodies.size() && Instant.now().isBefore(receiveBy)) {
            sqs.receiveMessage(r -> r.queueUrl(jobsUrl).maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(300)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().forEach(m -> byBody.put(m.body(), m));
        }
        assertThat(byBody).hasSize(bodies.size());
        List<List<Message>> planned = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            planned.add(bodies.subList(b * 10, b * 10 + 10).stream().map(byBody::get).toList());
        }
        ByteArrayOutputStream metrics = new ByteArrayOutputStream();
        // 500 Django calls at once on a small machine: a try must not time out because the machine is busy (the
        // per-try timeout is not what this test is about; a timed-out 422 would be reported failed, not parked).
        SqsJobWorkerHandler handler = new SqsJobWorkerHandler(JobWorker.fromEnv(env.with("OUTRIGGER_JOB_TIMEOUT_S", "60"),
                new PrintStream(metrics, true, StandardCharsets.UTF_8)));

        CyclicBarrier together = new CyclicBarrier(batches);
        List<Future<SQSBatchResponse>> responses;
        try (ExecutorService invocations = Executors.newFixedThreadPool(batches)) {
            responses = invocations.invokeAll(planned.stream().map(batch -> (Callable<SQSBatchResponse>) () -> {
                together.await(30, TimeUnit.SECONDS);
                return handler.handleRequest(event(batch), new FakeContext(180_000));
            }).toList(), 4, TimeUnit.MINUTES);
        }

        Map<String, String> bodyOf = new HashMap<>();
        byBody.forEach((body, m) -> bodyOf.put(m.messageId(), body));
        for (int b = 0; b < batches; b++) {
            String flaky = planned.get(b).get(6).messageId();
            assertThat(responses.get(b).get().getBatchItemFailures()).as("batch %d (Django saw %s)", b, tries)
                    .extracting(f -> bodyOf.get(f.getItemIdentifier())).containsExactly(bodyOf.get(flaky));
            for (int j = 0; j < 6; j++) {
                assertThat(done.get("c" + b + "-ok-" + j)).as("c%d-ok-%d done once", b, j).hasValue(1);
            }
            assertThat(tries.get("c" + b + "-flaky")).hasValue(1);
            assertThat(tries.get("c" + b + "-bad")).hasValue(1);
        }
        assertThat(django.badSignatures()).isZero();
        Map<String, String> parked = new HashMap<>();
        List<Message> dlq;
        do {
            dlq = sqs.receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(0).visibilityTimeout(60)
                    .messageAttributeNames("All")).messages();
            for (Message m : dlq) {
                String key = m.messageAttributes().containsKey(DeadLetters.JOB_ID)
                        ? m.messageAttributes().get(DeadLetters.JOB_ID).stringValue() : m.body();
                assertThat(parked.put(key, m.messageAttributes().get(DeadLetters.ERROR).stringValue())).as("one copy of " + key).isNull();
            }
        } while (!dlq.isEmpty());
        assertThat(parked).hasSize(3 * batches);
        for (int b = 0; b < batches; b++) {
            assertThat(parked).containsEntry("c" + b + "-bad", "Http422").containsEntry("c" + b + "-unknown", "UnknownJobType")
                    .containsEntry(bodies.get(b * 10 + 8), "InvalidEnvelope");
        }
        // The EMF lines of all 50 together count every job exactly once.
        Map<String, Integer> totals = new HashMap<>();
        for (String line : metrics.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode doc = Json.MAPPER.readTree(line);
            for (String metric : List.of("JobsSucceeded", "JobsRetried", "JobsDeadLettered", "DeadLetterSendFailures", "JobsNotStarted")) {
                totals.merge(metric, doc.path(metric).asInt(0), Integer::sum);
            }
        }
        assertThat(totals).containsEntry("JobsSucceeded", 6 * batches).containsEntry("JobsRetried", batches)
                .containsEntry("JobsDeadLettered", 3 * batches).containsEntry("DeadLetterSendFailures", 0)
                .containsEntry("JobsNotStarted", 0);
    }

    private boolean settled(int successes, int parkedExpected) {
        if (done.size() < successes) {
            return false;
        }
        String dlqDepth = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return Integer.parseInt(dlqDepth) >= parkedExpected;
    }

    private SQSEvent event(List<Message> received) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : received) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(jobsArn);
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.setAttributes(attributes);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static String task(String id, String task) {
        var node = Json.MAPPER.createObjectNode();
        node.put("version", 1).put("id", id).put("type", "django.task").put("created_at", "2026-01-01T00:00:00Z");
        node.putObject("payload").put("task", task).putArray("args").add(1);
        return Json.write(node);
    }
}
