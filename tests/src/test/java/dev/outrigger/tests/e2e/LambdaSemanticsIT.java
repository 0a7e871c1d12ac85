package dev.outrigger.tests.e2e;

import static dev.outrigger.tests.e2e.E2e.aws;
import static dev.outrigger.tests.e2e.E2e.await;
import static dev.outrigger.tests.e2e.E2e.total;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.tests.e2e.E2eHandlers.Delivery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Lambda's SQS semantics that the real worker never exercises (it neither crashes nor overruns its Timeout), on
 * e2e-template.yaml whose event sources point at {@link E2eHandlers}: a timeout leads to redelivery, a crash in
 * the middle of a batch returns the whole batch, a FIFO queue keeps each group's order through failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LambdaSemanticsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(25);
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private LocalRuntime rt;
    private SqsClient sqs;

    @BeforeAll
    void start() {
        rt = LocalRuntime.start(RuntimeOptions.builder(E2e.testTemplate()).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(2)).console(new PrintStream(console, true)).build());
        sqs = rt.sqs();
    }

    @AfterAll
    void stop() {
        if (rt != null) {
            rt.close();
        }
    }

    @BeforeEach
    void reset() {
        E2eHandlers.reset();
    }

    @Test
    void invocationOverItsTimeout_isNotDeleted_andTheMessageIsRedeliveredAndDone() {
        String url = rt.queueUrl("TimeoutQueue");

        aws(rt.sqsEndpoint(), "sqs", "send-message", "--queue-url", url, "--message-body", "slow-1");
        aws(rt.sqsEndpoint(), "sqs", "send-message", "--queue-url", url, "--message-body", "fast-1");

        await("slow-1 completed on a later receive", DEADLINE,
                () -> E2eHandlers.COMPLETED.stream().anyMatch(d -> d.body().equals("slow-1") && d.receiveCount() >= 2));
        await("the queue is empty", DEADLINE, () -> total(sqs, url) == 0);
        assertThat(E2eHandlers.DELIVERED).filteredOn(d -> d.body().equals("slow-1")).extracting(Delivery::receiveCount)
                .startsWith(1, 2);
        assertThat(E2eHandlers.COMPLETED).filteredOn(d -> d.body().equals("slow-1")).extracting(Delivery::receiveCount)
                .doesNotContain(1);   // the 3 s first try outlived the 1 s Timeout: the runtime did not take its answer
        assertThat(E2eHandlers.COMPLETED).extracting(Delivery::body).contains("fast-1");
        assertThat(total(sqs, rt.queueUrl("TimeoutDLQ"))).isZero();
        assertThat(console.toString()).contains("timed out");
    }

    @Test
    void handlerCrashInTheMiddleOfABatch_failsTheWholeBatch_andEveryMessageIsDoneOnRedelivery() {
        String url = rt.queueUrl("CrashQueue");
        List<String> bodies = new ArrayList<>();
        IntStream.range(0, 9).forEach(i -> bodies.add("job-" + i));
        bodies.add(4, "crash");
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(bodies.get(i)).build());
        }

        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));

        await("every message completed", DEADLINE,
                () -> E2eHandlers.COMPLETED.stream().map(Delivery::body).collect(Collectors.toSet()).containsAll(bodies));
        await("the queue is empty", DEADLINE, () -> total(sqs, url) == 0);
        // The crashed batch came back whole: every message of the invocation that crashed was delivered again.
        List<Delivery> crashed = E2eHandlers.BATCHES.stream().filter(b -> b.contains(new Delivery("crash", 1))).findFirst().orElseThrow();
        for (Delivery d : crashed) {
            assertThat(E2eHandlers.DELIVERED).as(d.body() + " delivered again after the crash")
                    .anyMatch(again -> again.body().equals(d.body()) && again.receiveCount() > d.receiveCount());
        }
        assertThat(E2eHandlers.COMPLETED).filteredOn(d -> d.body().equals("crash")).extracting(Delivery::receiveCount).doesNotContain(1);
        assertThat(total(sqs, rt.queueUrl("CrashDLQ"))).isZero();
        assertThat(console.toString()).contains("invocation failed");
    }

    @Test
    void fifoQueue_keepsEachGroupsOrder_throughPartialBatchFailures() {
        String url = rt.queueUrl("OrderedQueue");
        Map<String, List<String>> expected = new TreeMap<>();
        for (String group : List.of("a", "b", "c")) {
            List<String> seq = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // b-3 and c-0 fail on their first receive; everything after them in their group must wait.
                boolean failsOnce = group.equals("b") && i == 3 || group.equals("c") && i == 0;
                seq.add(group + "-" + i + (failsOnce ? "-fails-once" : ""));
            }
            expected.put(group, seq);
        }
        // Interleave the groups the way a busy producer would; send in batches of 10 with the SDK, one group id each.
        List<String[]> messages = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            for (String group : expected.keySet()) {
                messages.add(new String[] {group, expected.get(group).get(i)});
            }
        }
        for (int from = 0; from < messages.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, messages.size()); i++) {
                String[] m = messages.get(i);
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageGroupId(m[0]).messageBody(m[1]).build());
            }
            assertThat(sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).failed()).isEmpty();
        }

        await("every group fully accepted", DEADLINE, () -> expected.entrySet().stream()
                .allMatch(e -> E2eHandlers.ACCEPTED.getOrDefault(e.getKey(), List.of()).size() >= e.getValue().size()));
        await("the queue is empty", DEADLINE, () -> total(sqs, url) == 0);
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            assertThat(E2eHandlers.ACCEPTED.get(e.getKey())).as("group " + e.getKey()).containsExactlyElementsOf(e.getValue());
        }
        assertThat(E2eHandlers.DELIVERED).filteredOn(d -> d.body().endsWith("-fails-once")).extracting(Delivery::receiveCount)
                .contains(1, 2);
    }
}
