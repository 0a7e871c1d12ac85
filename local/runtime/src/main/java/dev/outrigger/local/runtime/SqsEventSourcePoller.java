package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.SqsEventSource;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * An SQS event source mapping with Lambda's semantics
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 * <ul>
 *   <li>each of {@code concurrency} pollers long-polls in chunks of 10 and gathers until BatchSize messages or
 *       MaximumBatchingWindowInSeconds has passed (a window of 0 invokes with whatever one receive returned);</li>
 *   <li>concurrency is ScalingConfig.MaximumConcurrency, else 5: Lambda starts every SQS mapping with five
 *       concurrent pollers/batches, and locally there is no reason to scale further (one laptop, one JVM);</li>
 *   <li>the handler throwing or timing out fails the whole batch: nothing is deleted, the messages reappear after
 *       their visibility timeout (the job worker sets it itself for backoff);</li>
 *   <li>with ReportBatchItemFailures only the listed itemIdentifiers stay; an empty or null batchItemFailures
 *       means success; a null/empty itemIdentifier, an id not in the batch or a response that is not
 *       {"batchItemFailures": [...]} fails the whole batch; without it, success deletes all;</li>
 *   <li>FIFO queues: batches come in each message group's order, and what is not listed is deleted, as on any
 *       queue. Keeping a group's order after a failure is the function's job, as Lambda leaves it
 *       (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): the job worker lists the
 *       failed message and every later one of its group. A function that does not is reordered here as in AWS.</li>
 * </ul>
 * {@link #stop(Duration)} stops receiving, waits for in-flight invocations up to a bound, then makes every
 * message not yet acknowledged visible again (ChangeMessageVisibility 0), so nothing waits out a visibility timeout.
 */
public final class SqsEventSourcePoller {
    /** Lambda's initial number of concurrent batches for an SQS mapping. */
    public static final int DEFAULT_CONCURRENCY = 5;
    private static final int LONG_POLL_SECONDS = 1;   // short enough that stop() is prompt

    private final LocalFunction function;
    private final SqsEventSource source;
    private final QueueDef queue;
    private final SqsClient sqs;
    private final PrintStream console;
    private final int concurrency;
    private final List<Thread> pollers = new ArrayList<>();
    private final Set<Batch> inFlight = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped;
    private volatile boolean running;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    /**
     * Ids of the messages released while stopping, for stop()'s count. A set, not a counter: a poller whose last long
     * poll is still open can receive a message another poller has just released, and releases it again.
     */
    private final Set<String> released = ConcurrentHashMap.newKeySet();

    /** The messages of one invocation; handles are removed once deleted or released. */
    private static final class Batch {
        final Map<String, String> receiptHandles = new ConcurrentHashMap<>();   // messageId -> receipt handle
        volatile boolean abandoned;
    }

    public SqsEventSourcePoller(LocalFunction function, SqsEventSource source, QueueDef queue, SqsClient sqs, PrintStream console) {
        this.function = function;
        this.source = source;
        this.queue = queue;
        this.sqs = sqs;
        this.console = console;
        this.concurrency = source.maximumConcurrency() == null ? DEFAULT_CONCURRENCY : source.maximumConcurrency();
        this.stopped = new CountDownLatch(concurrency);
    }

    /** The logical id of the function this mapping invokes. */
    public String functionLogicalId() {
        return function.def().logicalId();
    }

    public int concurrency() {
        return concurrency;
    }

    public long invocations() {
        return invocations.get();
    }

    public long deletedMessages() {
        return deleted.get();
    }

    public long failedBatches() {
        return failedBatches.get();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(this::pollLoop, "poller-" + function.def().logicalId() + "-" + source.name() + "-" + i);
            t.setDaemon(true);
            pollers.add(t);
            t.start();
        }
    }

    private void pollLoop() {
        try {
            while (running) {
                List<Message> messages;
                try {
                    messages = gather();
                } catch (RuntimeException e) {
                    if (running) {
                        console.println("[" + function.def().logicalId() + "] receive from " + queue.name() + " failed: " + e.getMessage());
                        sleepQuietly(1000);
                    }
                    continue;
                }
                if (!messages.isEmpty() && !running) {
                    // Held in the batching window (or received) while stopping: hand them straight back.
                    release(messages);
                } else if (!messages.isEmpty()) {
                    process(messages);
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    /** Receives up to BatchSize, in chunks of 10, until full or the batching window closes. */
    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long windowEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(source.maximumBatchingWindowSeconds());
        while (running && batch.size() < source.batchSize()) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(windowEnd - System.nanoTime());
            int wait = batch.isEmpty() ? LONG_POLL_SECONDS : (int) Math.min(LONG_POLL_SECONDS, Math.max(0, remainingMs / 1000));
            int max = Math.min(10, source.batchSize() - batch.size());
            ReceiveMessageResponse r = sqs.receiveMessage(b -> b.queueUrl(queue.url()).maxNumberOfMessages(max).waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All"));
            batch.addAll(r.messages());
            if (batch.isEmpty()) {
                windowEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(source.maximumBatchingWindowSeconds());
                continue;   // the window starts with the first message
            }
            if (source.maximumBatchingWindowSeconds() == 0 || System.nanoTime() >= windowEnd) {
                break;
            }
        }
        return batch;
    }

    private void process(List<Message> messages) {
        Batch batch = new Batch();
        messages.forEach(m -> batch.receiptHandles.put(m.messageId(), m.receiptHandle()));
        inFlight.add(batch);
        try {
            String event = eventJson(messages);
            invocations.incrementAndGet();
            InvocationResult result = function.invoke(event);
            if (batch.abandoned) {
                return;   // stop() already released these messages
            }
            Set<String> keep = keep(messages, result);
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (Message m : messages) {
                if (!keep.contains(m.messageId())) {
                    deletes.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(deletes.size())).receiptHandle(m.receiptHandle()).build());
                }
            }
            deleteAll(deletes);
            messages.forEach(m -> batch.receiptHandles.remove(m.messageId()));
            // The kept messages stay in flight until their visibility timeout (or what the function set), as in Lambda.
        } finally {
            inFlight.remove(batch);
        }
    }

    /** Which messages stay on the queue after the invocation. */
    private Set<String> keep(List<Message> messages, InvocationResult result) {
        Set<String> all = new HashSet<>();
        messages.forEach(m -> all.add(m.messageId()));
        String fn = function.def().logicalId();
        if (result.timedOut()) {
            failedBatches.incrementAndGet();
            console.println("[" + fn + "] timed out after " + function.def().timeoutSeconds() + " s: " + messages.size()
                    + " message(s) return after the visibility timeout");
            return all;
        }
        if (result.error() != null) {
            failedBatches.incrementAndGet();
            console.println("[" + fn + "] invocation failed (" + result.error() + "): " + messages.size()
                    + " message(s) return after the visibility timeout");
            return all;
        }
        if (!source.reportBatchItemFailures()) {
            return Set.of();
        }
        Set<String> failed;
        try {
            failed = batchItemFailures(result.responseJson(), all);
        } catch (IllegalArgumentException e) {
            failedBatches.incrementAndGet();
            console.println("[" + fn + "] invalid batch response, the whole batch fails: " + e.getMessage());
            return all;
        }
        return failed;
    }

    /**
     * Parses a partial batch response. Success: null, {}, an empty or null batchItemFailures. Whole-batch failure
     * (thrown as IllegalArgumentException): not a JSON object, batchItemFailures not a list, an entry without an
     * itemIdentifier, an empty one, or one that is not a message of the batch.
     */
    static Set<String> batchItemFailures(String responseJson, Set<String> batchIds) {
        if (responseJson == null || responseJson.isBlank() || responseJson.equals("null")) {
            return Set.of();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(responseJson);
        } catch (Exception e) {
            throw new IllegalArgumentException("response is not JSON");
        }
        if (root.isNull() || (root.isObject() && root.isEmpty())) {
            return Set.of();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("response is not an object: " + abbreviate(responseJson));
        }
        JsonNode failures = root.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Set.of();
        }
        if (!failures.isArray()) {
            throw new IllegalArgumentException("batchItemFailures is not a list");
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode f : failures) {
            JsonNode id = f.get("itemIdentifier");
            if (id == null || id.isNull()) {
                throw new IllegalArgumentException("an entry has no itemIdentifier: " + f);
            }
            if (!id.isTextual() || id.asText().isEmpty()) {
                throw new IllegalArgumentException("an entry has an empty itemIdentifier: " + f);
            }
            if (!batchIds.contains(id.asText())) {
                throw new IllegalArgumentException("itemIdentifier " + id.asText() + " is not a message of the batch");
            }
            ids.add(id.asText());
        }
        return ids;
    }

    private void deleteAll(List<DeleteMessageBatchRequestEntry> entries) {
        for (int i = 0; i < entries.size(); i += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
            var r = sqs.deleteMessageBatch(b -> b.queueUrl(queue.url()).entries(chunk));
            deleted.addAndGet(r.successful().size());
            r.failed().forEach(f -> console.println("[" + function.def().logicalId() + "] delete failed: " + f.message()));
        }
    }

    /** The SQSEvent JSON exactly as Lambda sends it (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html). */
    String eventJson(List<Message> messages) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attrs = r.putObject("attributes");
            Map<MessageSystemAttributeName, String> a = m.attributes();
            putIf(attrs, "ApproximateReceiveCount", a.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            putIf(attrs, "SentTimestamp", a.get(MessageSystemAttributeName.SENT_TIMESTAMP));
            putIf(attrs, "SequenceNumber", a.get(MessageSystemAttributeName.SEQUENCE_NUMBER));
            putIf(attrs, "MessageGroupId", a.get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
            putIf(attrs, "SenderId", a.getOrDefault(MessageSystemAttributeName.SENDER_ID, "AIDAIENQZJOLO23YVJ4VO"));
            putIf(attrs, "MessageDeduplicationId", a.get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
            putIf(attrs, "ApproximateFirstReceiveTimestamp", a.get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP));
            putIf(attrs, "AWSTraceHeader", a.get(MessageSystemAttributeName.AWS_TRACE_HEADER));
            ObjectNode mattrs = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> e : new LinkedHashMap<>(m.messageAttributes()).entrySet()) {
                MessageAttributeValue v = e.getValue();
                ObjectNode o = mattrs.putObject(e.getKey());
                if (v.stringValue() != null) {
                    o.put("stringValue", v.stringValue());
                }
                if (v.binaryValue() != null) {
                    o.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
                }
                ArrayNode sl = o.putArray("stringListValues");
                v.stringListValues().forEach(sl::add);
                ArrayNode bl = o.putArray("binaryListValues");
                v.binaryListValues().forEach(b -> bl.add(Base64.getEncoder().encodeToString(b.asByteArray())));
                o.put("dataType", v.dataType());
            }
            r.put("md5OfBody", m.md5OfBody());
            if (m.md5OfMessageAttributes() != null) {
                r.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
            }
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queue.arn());
            r.put("awsRegion", regionOf(queue.arn()));
        }
        return root.toString();
    }

    private static String regionOf(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 3 ? parts[3] : "us-east-1";
    }

    private static void putIf(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    /**
     * Stops receiving, waits up to {@code grace} for in-flight invocations, then makes every message that was
     * received but not acknowledged visible again: those of invocations still running, and those a poller was holding
     * in its batching window (it releases them itself as it stops). Returns how many messages were released, both kinds.
     */
    public int stop(Duration grace) {
        running = false;
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            // Pollers finish their current receive (1 s) and invocation; wait for that up to the bound.
            stopped.await(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(LONG_POLL_SECONDS + 1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Batch b : inFlight) {
            b.abandoned = true;
            Map<String, String> handles = new HashMap<>(b.receiptHandles);
            b.receiptHandles.clear();   // released once, even if stop() is called again
            changeVisibilityToZero(handles);
        }
        pollers.forEach(Thread::interrupt);
        // Taken and cleared: a second stop() does not count them again.
        int count = released.size();
        released.clear();
        return count;
    }

    /** Makes the messages visible again. */
    private void release(List<Message> messages) {
        Map<String, String> handles = new HashMap<>();
        messages.forEach(m -> handles.put(m.messageId(), m.receiptHandle()));
        changeVisibilityToZero(handles);
    }

    /** Makes the messages (messageId -> receipt handle) visible again; adds those SQS confirmed to {@link #released}. */
    private void changeVisibilityToZero(Map<String, String> receiptHandles) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        // The entry id is the message id, so SQS's answer says which messages were released.
        receiptHandles.forEach((id, h) -> entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(id).receiptHandle(h).visibilityTimeout(0).build()));
        for (int i = 0; i < entries.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
            try {
                var r = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queue.url()).entries(chunk));
                r.successful().forEach(ok -> released.add(ok.id()));
                r.failed().forEach(f -> console.println("[" + function.def().logicalId() + "] could not release a message: " + f.message()));
            } catch (RuntimeException e) {
                console.println("[" + function.def().logicalId() + "] could not release messages: " + e.getMessage());
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
