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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping `local up` (Ctrl-C runs LocalRuntime.stop) while the real worker has jobs in flight, on the real
 * template: nothing is lost, and with --data-dir the queues and messages survive a restart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StopAndRestartIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int SLOW_JOBS = 3;

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
