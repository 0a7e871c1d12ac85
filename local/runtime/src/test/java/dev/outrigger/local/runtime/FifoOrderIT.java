package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.local.demo.DemoDjango;
import dev.outrigger.testing.TestTemplates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The real job worker on a FIFO queue of the local runtime, whose poller deletes exactly what Lambda deletes: each
 * message group's jobs reach Django in the order they were sent, through retries (503s with backoff) and through
 * moves to the DLQ (a 422 the worker parks, a job it gives up on after max_attempts), while other groups go on. The
 * order is the worker's doing (it holds a failed job's group), as it has to be on AWS.
 */
class FifoOrderIT {
    private static final String SECRET = "fifo-order-secret";
    private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
    private static DemoDjango django;
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        django = DemoDjango.start(SECRET, 2);   // demo.flaky answers 503 twice per job id, then 200
        runtime = LocalRuntime.start(RuntimeOptions.builder(template()).port(0).serviceLoaderExtensions(false)
                .env("DJANGO_BASE_URL", django.baseUrl().toString()).env("OUTRIGGER_SIGNING_SECRET", SECRET)
                .env("OUTRIGGER_SIGNING_SECRET_ARN", "")
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8)).build());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        django.close();
    }

    private static Path template() throws URISyntaxException {
        return TestTemplates.path("fifo-worker.yaml");
    }

    private static SendMessageBatchRequestEntry job(String id, String group, String task, Integer maxAttempts) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("task", task);
        JobEnvelope envelope = JobEnvelope.create("django.task", payload).withId(id).withMaxAttempts(maxAttempts);
        return SendMessageBatchRequestEntry.builder().id(id).messageBody(envelope.toJson()).messageGroupId(group)
                .messageDeduplicationId(id).build();
    }

    @Test
    void eachGroupReachesDjangoInOrder_throughRetriesAndDlqMoves_whileOtherGroupsGoOn() {
        String queue = runtime.queueUrl("OrderedJobsQueue");
        String dlq = runtime.queueUrl("OrderedJobsDLQ");
        List<SendMessageBatchRequestEntry> batch = List.of(
                job("g-flaky", "G", "demo.flaky", null),        // 503, 503, then 200: retried twice
                job("k-gives-up", "K", "demo.flaky", 2),        // 503, 503: exhausted at max_attempts 2, to the DLQ
                job("h-1", "H", "demo.ok", null),
                job("g-rejected", "G", "demo.reject", null),    // 422: to the DLQ at once
                job("k-after", "K", "demo.ok", null),
                job("h-2", "H", "demo.ok", null),
                job("g-after", "G", "demo.ok", null),
                job("h-3", "H", "demo.ok", null));
        runtime.sqs().sendMessageBatch(b -> b.queueUrl(queue).entries(batch));

        // Held messages are released at once, so this finishes well inside the queue's 120 s visibility timeout.
        await("every group done", Duration.ofSeconds(60), () -> calls("G").size() == 5 && calls("K").size() == 3
                && calls("H").size() == 3 && depth(queue) == 0);

        assertThat(calls("G")).as(CONSOLE.toString(StandardCharsets.UTF_8))
                .containsExactly("g-flaky", "g-flaky", "g-flaky", "g-rejected", "g-after");
        assertThat(calls("K")).containsExactly("k-gives-up", "k-gives-up", "k-after");
        assertThat(calls("H")).containsExactly("h-1", "h-2", "h-3");
        assertThat(django.callsFor("g-flaky")).extracting(DemoDjango.Call::attempt).containsExactly(1, 2, 3);

        Map<String, Message> parked = drain(dlq).stream().collect(Collectors.toMap(
                m -> m.messageAttributes().get("outrigger-job-id").stringValue(), m -> m));
        assertThat(parked).containsOnlyKeys("g-rejected", "k-gives-up");
        assertThat(parked.get("g-rejected").messageAttributes().get("outrigger-error").stringValue()).isEqualTo("Http422");
        assertThat(parked.get("k-gives-up").messageAttributes().get("outrigger-error-message").stringValue())
                .startsWith("gave up after 2 attempts (max_attempts 2)");
        assertThat(parked.get("k-gives-up").attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "K");
    }

    /** The job ids Django saw for one group (the ids start with the group's letter), in the order it saw them. */
    private static List<String> calls(String group) {
        return django.calls().stream().filter(c -> c.jobId() != null && c.jobId().startsWith(group.toLowerCase() + "-"))
                .sorted(Comparator.comparingLong(DemoDjango.Call::atNanos)).map(DemoDjango.Call::jobId).toList();
    }

    private static int depth(String url) {
        Map<QueueAttributeName, String> a = runtime.sqs().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static List<Message> drain(String url) {
        List<Message> out = new ArrayList<>();
        List<Message> got;
        do {
            got = runtime.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            out.addAll(got);
            got.forEach(m -> runtime.sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
        } while (!got.isEmpty());
        return out;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; Django saw " + django.calls().stream()
                        .map(DemoDjango.Call::jobId).toList() + "\n" + CONSOLE.toString(StandardCharsets.UTF_8));
            }
            try {
                Thread.sleep(100);   // polling interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
