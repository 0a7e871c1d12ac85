package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.testing.TestHandlers;
import dev.outrigger.testing.TestTemplates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The poller's Lambda semantics against embedded ElasticMQ, with the handlers in {@link TestHandlers}. */
class SqsEventSourcePollerIT {
    private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws URISyntaxException {
        Path template = TestTemplates.path("poller-it.yaml");
        runtime = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(1)).console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8)).build());
    }

    @AfterAll
    static void stop() {
        TestHandlers.BLOCK.countDown();
        runtime.close();
    }

    private static void sendBatch(String queue, List<String> bodies) {
        String url = runtime.queueUrl(queue);
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build());
        }
        runtime.sqs().sendMessageBatch(b -> b.queueUrl(url).entries(entries));
    }

    private static Map<QueueAttributeName, String> attributes(String queue) {
        return runtime.sqs().getQueueAttributes(b -> b.queueUrl(runtime.queueUrl(queue)).attributeNames(QueueAttributeName.ALL)).attributes();
    }

    private static int total(String queue) {
        Map<QueueAttributeName, String> a = attributes(queue);
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + "\nconsole:\n" + CONSOLE.toString(StandardCharsets.UTF_8));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void reportBatchItemFailures_onlyListedItemsStayOnTheQueue() {
        sendBatch("PartialQueue", List.of("ok-1", "fail-1", "ok-2", "fail-2", "ok-3"));
        await("5 messages seen", Duration.ofSeconds(10), () -> TestHandlers.seen("PartialFunction").size() >= 5);
        await("only the failures remain", Duration.ofSeconds(10), () -> total("PartialQueue") == 2);
        // The failures come back after their 1 s visibility timeout and fail again; the successes never do.
        await("failures redelivered", Duration.ofSeconds(10),
                () -> Collections.frequency(TestHandlers.seen("PartialFunction"), "fail-1") >= 2);
        assertThat(Collections.frequency(TestHandlers.seen("PartialFunction"), "ok-1")).isEqualTo(1);
        assertThat(Collections.frequency(TestHandlers.seen("PartialFunction"), "ok-3")).isEqualTo(1);
        runtime.sqs().purgeQueue(b -> b.queueUrl(runtime.queueUrl("PartialQueue")));
    }

    @Test
    void withoutReportBatchItemFailures_aSuccessfulInvocationDeletesTheWholeBatch() {
        sendBatch("NoReportQueue", List.of("ok-1", "fail-1", "fail-2"));
        await("3 messages seen", Duration.ofSeconds(10), () -> TestHandlers.seen("NoReportFunction").size() >= 3);
        await("queue empty", Duration.ofSeconds(10), () -> total("NoReportQueue") == 0);
        assertThat(TestHandlers.seen("NoReportFunction")).hasSize(3);
    }

    @Test
    void aThrownError_failsTheWholeBatch_andEveryMessageOfItIsRedelivered() {
        sendBatch("ThrowQueue", List.of("a", "boom", "c"));
        await("boom delivered twice", Duration.ofSeconds(15), () -> Collections.frequency(TestHandlers.seen("ThrowFunction"), "boom") >= 2);
        // Pollers may split the three messages into several batches; every message of the batch that threw comes back.
        List<String> failedBatch = TestHandlers.batches("ThrowFunction").stream().filter(b -> b.contains("boom")).findFirst().orElseThrow();
        await("the failed batch redelivered", Duration.ofSeconds(15), () -> failedBatch.stream()
                .allMatch(b -> Collections.frequency(TestHandlers.seen("ThrowFunction"), b) >= 2));
        await("queue empty", Duration.ofSeconds(10), () -> total("ThrowQueue") == 0);
    }

    @Test
    void aMalformedBatchResponse_failsTheWholeBatch() {
        sendBatch("MalformedQueue", List.of("x", "y"));
        await("the malformed answer", Duration.ofSeconds(10), () -> !TestHandlers.ANSWERED_MALFORMED.isEmpty());
        List<String> failedBatch = TestHandlers.ANSWERED_MALFORMED.get(0);
        await("the failed batch redelivered", Duration.ofSeconds(15), () -> failedBatch.stream()
                .allMatch(b -> Collections.frequency(TestHandlers.seen("MalformedFunction"), b) >= 2));
        await("queue empty", Duration.ofSeconds(10), () -> total("MalformedQueue") == 0);
        assertThat(CONSOLE.toString(StandardCharsets.UTF_8)).contains("invalid batch response, the whole batch fails: "
                + "itemIdentifier not-a-message-of-this-batch is not a message of the batch");
    }

    @Test
    void fifo_aNaiveHandlerIsReordered_asInAws_theRuntimeDeletesWhatIsNotListed() {
        String url = runtime.queueUrl("OrderedQueue");
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (String body : List.of("A-1", "B-1", "A-2", "B-2", "A-3", "B-3")) {
            entries.add(SendMessageBatchRequestEntry.builder().id(body).messageBody(body).messageGroupId(body.substring(0, 1)).build());
        }
        runtime.sqs().sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        await("queue drained", Duration.ofSeconds(15), () -> total("OrderedQueue") == 0
                && Collections.frequency(TestHandlers.seen("OrderedFunction"), "A-2") == 2);
        List<String> seen = TestHandlers.seen("OrderedFunction");
        // The handler failed A-2 but did not list A-3: A-3 was deleted as done, and A-2's successful retry came after it.
        assertThat(Collections.frequency(seen, "A-3")).isEqualTo(1);
        assertThat(seen.lastIndexOf("A-2")).isGreaterThan(seen.indexOf("A-3"));
        // Batches still arrive in each group's order.
        assertThat(seen.stream().filter(s -> s.startsWith("B")).toList()).containsExactly("B-1", "B-2", "B-3");
        assertThat(seen.subList(0, seen.indexOf("A-3") + 1).stream().filter(s -> s.startsWith("A")).toList())
                .containsExactly("A-1", "A-2", "A-3");
    }

    @Test
    void aTimedOutInvocation_isNotDeleted_andTheMessageIsRedeliveredAfterItsVisibilityTimeout() {
        sendBatch("SlowQueue", List.of("slow"));
        await("delivered twice", Duration.ofSeconds(15), () -> Collections.frequency(TestHandlers.seen("SlowFunction"), "slow") >= 2);
        await("deleted after the second, fast, invocation", Duration.ofSeconds(10), () -> total("SlowQueue") == 0);
        assertThat(CONSOLE.toString(StandardCharsets.UTF_8)).contains("[SlowFunction] timed out after 1 s");
    }

    @Test
    void aHandlerCrashInTheMiddleOfABatch_losesNothing() {
        List<String> bodies = IntStream.range(0, 8).mapToObj(i -> "crash-" + i).toList();
        sendBatch("CrashQueue", bodies);
        await("every message processed", Duration.ofSeconds(15), () -> TestHandlers.seen("CrashFunction").containsAll(bodies));
        await("queue empty", Duration.ofSeconds(10), () -> total("CrashQueue") == 0);
        assertThat(CONSOLE.toString(StandardCharsets.UTF_8)).contains("[CrashFunction] invocation failed (java.lang.OutOfMemoryError");
    }

    @Test
    void stoppingWithMessagesInFlight_returnsThemToTheQueueAtOnce() {
        List<String> bodies = IntStream.range(0, 6).mapToObj(i -> "block-" + i).toList();
        sendBatch("BlockQueue", bodies);
        await("all 6 in flight", Duration.ofSeconds(10), () -> TestHandlers.seen("BlockFunction").size() == 6);
        assertThat(attributes("BlockQueue").get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("6");
        int released = poller("BlockFunction").stop(Duration.ofMillis(500));
        assertThat(released).isEqualTo(6);
        // Visible again immediately, not after the queue's 60 s visibility timeout.
        Map<QueueAttributeName, String> a = attributes("BlockQueue");
        assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("6");
        assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("0");
    }

    private static SqsEventSourcePoller poller(String function) {
        return runtime.pollers().stream().filter(p -> p.functionLogicalId().equals(function)).findFirst().orElseThrow();
    }

    private static String notVisible(String queue) {
        return attributes(queue).get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    @Test
    void stoppingWithMessagesInTheBatchingWindow_releasesAndCountsThemAll() {
        sendBatch("HeldQueue", List.of("held-0", "held-1", "held-2"));
        await("all 3 received and held", Duration.ofSeconds(10), () -> notVisible("HeldQueue").equals("3"));
        assertThat(TestHandlers.seen("HeldFunction")).isEmpty();   // nothing invoked: the window (60 s) is still open

        int released = poller("HeldFunction").stop(Duration.ofMillis(500));

        assertThat(released).isEqualTo(3);
        Map<QueueAttributeName, String> a = attributes("HeldQueue");
        assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("3");
        assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("0");
    }

    @Test
    void stoppingWithMessagesInFlightAndInTheBatchingWindow_countsBoth() {
        sendBatch("WindowQueue", List.of("w-0", "w-1", "w-2"));
        // BatchSize 2, two pollers: whichever way the receives split, one full batch of 2 is invoked and blocks,
        // and the other poller holds the 3rd message in its 60 s window.
        await("a batch of 2 in flight", Duration.ofSeconds(10), () -> TestHandlers.seen("WindowFunction").size() == 2);
        await("the 3rd held in the window", Duration.ofSeconds(10), () -> notVisible("WindowQueue").equals("3"));
        assertThat(TestHandlers.seen("WindowFunction")).hasSize(2);

        int released = poller("WindowFunction").stop(Duration.ofMillis(500));

        assertThat(released).isEqualTo(3);
        Map<QueueAttributeName, String> a = attributes("WindowQueue");
        assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("3");
        assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("0");
        assertThat(poller("WindowFunction").stop(Duration.ZERO)).as("a second stop releases nothing more").isZero();
    }

    @Test
    void invoke_constructsTheHandlerWithItsEnv_andGivesAContext() throws Exception {
        InvocationResult r = runtime.invoke("EnvFunction", "{\"hello\": \"world\"}");
        assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
        Map<?, ?> out = dev.outrigger.core.Json.MAPPER.readValue(r.responseJson(), Map.class);
        assertThat(out.get("input")).isEqualTo(Map.of("hello", "world"));
        assertThat(out.get("queueUrl")).isEqualTo(runtime.queueUrl("PartialQueue"));
        assertThat(out.get("globals")).isEqualTo("yes");
        assertThat(out.get("endpointSqs")).isEqualTo(runtime.sqsEndpoint().toString());
        assertThat(out.get("memory")).isEqualTo(256);
        assertThat(out.get("functionName")).isEqualTo("EnvFunction");
        assertThat((Integer) out.get("remainingMs")).isBetween(1, 10_000);
        assertThat(out.get("region")).isEqualTo("us-east-1");
    }
}
