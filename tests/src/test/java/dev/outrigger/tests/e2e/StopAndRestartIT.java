package dev.outrigger.tests.e2e;

import static dev.outrigger.tests.e2e.E2e.aws;
import static dev.outrigger.tests.e2e.E2e.await;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Stopping `local up` (Ctrl-C runs LocalRuntime.stop) while the real worker has jobs in flight, on the real
 * template: nothing is lost, and with --data-dir the queues and messages survive a restart. Killing it (SIGKILL, a
 * child JVM) with --data-dir loses nothing it acknowledged.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StopAndRestartIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int SLOW_JOBS = 3;
    /** Acknowledged sends before the kill; SENDERS threads keep sending until it lands. */
    private static final int BURST = 1000;
    private static final int SENDERS = 4;
    /** A child JVM starting `local up` on a loaded 2-core machine. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    private final String secret = "e2e-" + UUID.randomUUID();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private RuntimeOptions.Builder options(DemoDjango django) {
        return RuntimeOptions.builder(E2e.root().resolve("template.yaml")).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(1)).console(new PrintStream(console, true))
                .env("DJANGO_BASE_URL", django.baseUrl().toString())
                .env("OUTRIGGER_SIGNING_SECRET", secret).env("OUTRIGGER_SIGNING_SECRET_ARN", "");
    }

    /** Jobs that keep Django busy for 20 s, so they are still in flight when the runtime stops. */
    private static List<String> slowJobs() {
        return IntStream.range(0, SLOW_JOBS).mapToObj(i -> {
            ObjectNode payload = Json.MAPPER.createObjectNode().put("task", "demo.slow").put("sleep_ms", 20_000);
            return JobEnvelope.create("django.task", payload).withId("slow-" + i + "-" + UUID.randomUUID()).toJson();
        }).toList();
    }

    @Test
    void stop_withJobsInFlight_returnsEveryMessageToItsQueueBeforeTheServerStops() throws Exception {
        try (DemoDjango django = DemoDjango.start(secret); LocalRuntime rt = LocalRuntime.start(options(django).build())) {
            String url = rt.queueUrl("JobsDefaultQueue");
            List<String> jobs = slowJobs();
            jobs.forEach(body -> rt.sqs().sendMessage(b -> b.queueUrl(url).messageBody(body)));
            // In flight = the worker is inside Django's call for each (not merely received within the batching window).
            await("all jobs in flight", DEADLINE, () -> django.inProgress() == SLOW_JOBS);
            assertThat(E2e.counts(rt.sqs(), url)).isEqualTo(Map.of("visible", 0, "inFlight", SLOW_JOBS, "delayed", 0));

            // What LocalRuntime.stop() does first: stop the pollers (grace 1 s, then release what is unfinished).
            // Counted here, while ElasticMQ still runs.
            int released = rt.pollers().stream().mapToInt(p -> p.stop(Duration.ofSeconds(1))).sum();

            assertThat(released).isEqualTo(SLOW_JOBS);
            assertThat(E2e.counts(rt.sqs(), url)).isEqualTo(Map.of("visible", SLOW_JOBS, "inFlight", 0, "delayed", 0));
            assertThat(receiveAll(rt, url)).containsExactlyInAnyOrderElementsOf(jobs);
        }
    }

    @Test
    void stop_withJobsInFlightAndDataDir_restartFindsEveryMessageVisibleOnItsQueue() throws Exception {
        List<String> jobs = slowJobs();
        try (DemoDjango django = DemoDjango.start(secret)) {
            LocalRuntime first = LocalRuntime.start(options(django).dataDir(dataDir).build());
            String url = first.queueUrl("JobsDefaultQueue");
            try {
                for (String body : jobs) {
                    aws(first.sqsEndpoint(), "sqs", "send-message", "--queue-url", url, "--message-body", body);
                }
                await("all jobs in flight", DEADLINE, () -> django.inProgress() == SLOW_JOBS);
            } finally {
                int released = first.stop();   // what Ctrl-C runs
                assertThat(released).isEqualTo(SLOW_JOBS);
            }

            // Restart on the same data dir without pollers: the messages are there, visible, not stuck in flight.
            try (LocalRuntime second = LocalRuntime.start(options(django).dataDir(dataDir).pollers(false).build())) {
                String url2 = second.queueUrl("JobsDefaultQueue");
                JsonNode attrs = aws(second.sqsEndpoint(), "sqs", "get-queue-attributes", "--queue-url", url2, "--attribute-names", "All");
                assertThat(attrs.path("Attributes").path("ApproximateNumberOfMessages").asInt()).as(attrs.toString()).isEqualTo(SLOW_JOBS);
                assertThat(attrs.path("Attributes").path("ApproximateNumberOfMessagesNotVisible").asInt()).isZero();
                assertThat(attrs.path("Attributes").path("RedrivePolicy").asText()).contains("jobs-default-dlq");
                assertThat(receiveAll(second, url2)).containsExactlyInAnyOrderElementsOf(jobs);
            }
        }
    }

    @Test
    void dataDir_keepsQueuesMessagesAndAttributesAcrossARestart() {
        try (DemoDjango django = DemoDjango.start(secret)) {
            try (LocalRuntime first = LocalRuntime.start(options(django).dataDir(dataDir).pollers(false).build())) {
                String dlq = first.queueUrl("JobsHeavyDLQ");
                first.sqs().sendMessage(b -> b.queueUrl(dlq).messageBody("{\"kept\":1}").messageAttributes(Map.of("outrigger-error",
                        software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("String").stringValue("Http422").build())));
                first.sqs().sendMessage(b -> b.queueUrl(dlq).messageBody("{\"kept\":2}"));
            }
            try (LocalRuntime second = LocalRuntime.start(options(django).dataDir(dataDir).pollers(false).build())) {
                String dlq = second.queueUrl("JobsHeavyDLQ");
                JsonNode r = aws(second.sqsEndpoint(), "sqs", "receive-message", "--queue-url", dlq, "--max-number-of-messages", "10",
                        "--message-attribute-names", "All", "--wait-time-seconds", "1");
                Set<String> bodies = new HashSet<>();
                r.path("Messages").forEach(m -> bodies.add(m.path("Body").asText()));
                assertThat(bodies).containsExactlyInAnyOrder("{\"kept\":1}", "{\"kept\":2}");
                r.path("Messages").forEach(m -> {
                    if (m.path("Body").asText().equals("{\"kept\":1}")) {
                        assertThat(m.path("MessageAttributes").path("outrigger-error").path("StringValue").asText()).isEqualTo("Http422");
                    }
                });
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * `local up --data-dir` in a child JVM, killed with SIGKILL (no shutdown hook, nothing flushed) while SendMessageBatch
     * calls are being acknowledged and right after acknowledged deletes, visibility changes and receives, then started
     * again on the same data dir. Every acknowledged job runs (before the kill, or after the restart), and each
     * acknowledged change to ManualQueue (nobody polls it) holds after the restart.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void kill_rightAfterAcknowledgedCalls_restartOnTheSameDataDirKeepsEveryOne() throws Exception {
        try (DemoDjango django = DemoDjango.start(secret)) {
            Set<String> ran = ConcurrentHashMap.newKeySet();
            django.onCall(c -> {
                if (c.status() == 200 && c.signatureValid()) {
                    ran.add(c.jobId());
                }
            });
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Set<String> ranBeforeKill;
            Manual manual;
            try (LocalUpProcess first = localUp(django, "first"); SqsClient sqs = first.sqsClient()) {
                String jobs = sqs.getQueueUrl(b -> b.queueName("durable-jobs")).queueUrl();
                String manualUrl = sqs.getQueueUrl(b -> b.queueName("durable-manual")).queueUrl();
                AtomicBoolean sending = new AtomicBoolean(true);
                List<Thread> senders = IntStream.range(0, SENDERS).mapToObj(t -> Thread.ofPlatform().name("burst-" + t)
                        .start(() -> sendUntilRefused(sqs, jobs, "t" + t, sending, acknowledged))).toList();
                try {
                    E2e.await("a burst of " + BURST + " acknowledged sends (log: " + first.log() + ")", START_DEADLINE,
                            () -> acknowledged.size() >= BURST);
                    manual = Manual.prepare(sqs, manualUrl);
                    // No pause: the kill lands while batches are being acknowledged, right after the manual calls.
                    assertThat(first.kill()).as("exit status of SIGKILL").isEqualTo(LocalUpProcess.sigkillExit());
                    ranBeforeKill = Set.copyOf(ran);
                } finally {
                    sending.set(false);
                    for (Thread t : senders) {
                        t.join();
                    }
                }
            }

            try (LocalUpProcess second = localUp(django, "second"); SqsClient sqs = second.sqsClient()) {
                String jobs = sqs.getQueueUrl(b -> b.queueName("durable-jobs")).queueUrl();
                String dlq = sqs.getQueueUrl(b -> b.queueName("durable-jobs-dlq")).queueUrl();
                // Jobs in flight at the kill come back after the queue's 10 s visibility timeout and run again.
                E2e.poll(RECOVERY_DEADLINE, () -> ran.containsAll(acknowledged) && E2e.total(sqs, jobs) == 0);
                List<String> lost = acknowledged.stream().filter(id -> !ran.contains(id)).sorted().toList();
                assertThat(lost).as("of %d acknowledged sends (%d ran before the kill), these never ran; log: %s",
                        acknowledged.size(), ranBeforeKill.size(), second.log()).isEmpty();
                assertThat(E2e.total(sqs, jobs)).as("JobsQueue drained").isZero();
                assertThat(E2e.total(sqs, dlq)).as("nothing dead-lettered").isZero();

                manual.verifyAfterRestart(sqs, sqs.getQueueUrl(b -> b.queueName("durable-manual")).queueUrl(),
                        sqs.getQueueUrl(b -> b.queueName("durable-manual-dlq")).queueUrl());
            }
        }
    }

    private LocalUpProcess localUp(DemoDjango django, String name) throws java.io.IOException {
        return LocalUpProcess.start(E2e.durableTemplate(), dataDir, Map.of("DjangoBaseUrl", django.baseUrl().toString()),
                Map.of("OUTRIGGER_SIGNING_SECRET", secret), Path.of("target", "kill-test-" + name + "-" + UUID.randomUUID() + ".log")
                        .toAbsolutePath(), START_DEADLINE);
    }

    /** SendMessageBatch of 10 in a loop; records the job ids of every entry the runtime acknowledged; stops at the first refusal. */
    private static void sendUntilRefused(SqsClient sqs, String url, String sender, AtomicBoolean sending, Set<String> acknowledged) {
        for (int batch = 0; sending.get(); batch++) {
            Map<String, String> jobIds = new HashMap<>();
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "kill-" + sender + "-" + batch + "-" + i;
                jobIds.put("e" + i, id);
                String body = JobEnvelope.create("django.task", Json.MAPPER.createObjectNode().put("task", "demo.ok")).withId(id).toJson();
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).build());
            }
            try {
                sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).successful().forEach(ok -> acknowledged.add(jobIds.get(ok.id())));
            } catch (SdkException e) {
                return;   // the runtime is gone: this batch was not acknowledged
            }
        }
    }

    /**
     * Acknowledged calls on ManualQueue (maxReceiveCount 3, nobody polls it), each with a different outcome to keep:
     * a message received and deleted; one whose visibility was extended to an hour; one received three times
     * (receive count at maxReceiveCount); one released (visibility 0) after a receive that hid it for 10 minutes.
     */
    private record Manual(String deleted, String hidden, String exhausted, String released) {
        static Manual prepare(SqsClient sqs, String url) {
            Manual m = new Manual("deleted-" + UUID.randomUUID(), "hidden-" + UUID.randomUUID(), "exhausted-" + UUID.randomUUID(),
                    "released-" + UUID.randomUUID());
            for (String body : List.of(m.deleted, m.hidden, m.exhausted, m.released)) {
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
            }
            Map<String, String> receipts = new HashMap<>();
            receiveUntil(sqs, url, 4, Duration.ofMinutes(10)).forEach(msg -> receipts.put(msg.body(), msg.receiptHandle()));
            assertThat(receipts).containsOnlyKeys(m.deleted, m.hidden, m.exhausted, m.released);
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(receipts.get(m.deleted)));
            sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(receipts.get(m.hidden)).visibilityTimeout(3600));
            String exhaustedReceipt = receipts.get(m.exhausted);
            for (int receive = 2; receive <= 3; receive++) {   // receives 2 and 3; only this one is visible
                String r = exhaustedReceipt;
                sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(r).visibilityTimeout(0));
                List<Message> again = receiveUntil(sqs, url, 1, Duration.ofMinutes(10));
                assertThat(again).extracting(Message::body).containsExactly(m.exhausted);
                exhaustedReceipt = again.get(0).receiptHandle();
            }
            String r = exhaustedReceipt;
            sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(r).visibilityTimeout(0));
            sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(receipts.get(m.released)).visibilityTimeout(0));
            return m;
        }

        /**
         * After the restart only the released message can be received (not in 10 minutes); the deleted one is gone;
         * the hidden one stays hidden; the exhausted one, received a 4th time, goes to the DLQ instead of being delivered.
         */
        void verifyAfterRestart(SqsClient sqs, String url, String dlqUrl) {
            List<String> received = receiveUntil(sqs, url, 1, Duration.ofMinutes(10)).stream().map(Message::body).toList();
            List<String> more = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .stream().map(Message::body).toList();
            assertThat(received).as("receivable after the restart").containsExactly(released);
            assertThat(more).as("receivable after the released one").isEmpty();
            assertThat(E2e.counts(sqs, url)).as("ManualQueue: the hidden and the released (received again) are in flight")
                    .isEqualTo(Map.of("visible", 0, "inFlight", 2, "delayed", 0));
            List<String> deadLettered = receiveUntil(sqs, dlqUrl, 1, Duration.ofMinutes(10)).stream().map(Message::body).toList();
            assertThat(deadLettered).as("ManualDLQ: moved at its 4th receive (maxReceiveCount 3)").containsExactly(exhausted);
        }

        private static List<Message> receiveUntil(SqsClient sqs, String url, int count, Duration visibility) {
            List<Message> got = new ArrayList<>();
            E2e.await(count + " message(s) on " + url, DEADLINE, () -> {
                got.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .visibilityTimeout((int) visibility.toSeconds())).messages());
                return got.size() >= count;
            });
            return got;
        }
    }

    private static List<String> receiveAll(LocalRuntime rt, String url) {
        Set<String> bodies = new HashSet<>();
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (bodies.size() < SLOW_JOBS && System.nanoTime() < end) {
            rt.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(60))
                    .messages().forEach(m -> bodies.add(m.body()));
        }
        return List.copyOf(bodies);
    }
}
