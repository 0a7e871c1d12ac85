package dev.outrigger.tests.e2e;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Handlers that e2e-template.yaml points its SQS event sources at (the runtime loads them like any handler). Each
 * records what it saw in static collections the tests read; tests clear them first.
 */
public final class E2eHandlers {
    /** One entry per delivery a handler saw: body and ApproximateReceiveCount. */
    public record Delivery(String body, int receiveCount) {
    }

    public static final List<Delivery> DELIVERED = new CopyOnWriteArrayList<>();
    /** Each invocation's deliveries, in invocation order. */
    public static final List<List<Delivery>> BATCHES = new CopyOnWriteArrayList<>();
    /** Bodies of invocations that returned normally, with the delivery they came in. */
    public static final List<Delivery> COMPLETED = new CopyOnWriteArrayList<>();
    /** FIFO: bodies the handler accepted, per message group, in the order it accepted them. */
    public static final Map<String, List<String>> ACCEPTED = new ConcurrentHashMap<>();

    private E2eHandlers() {
    }

    public static void reset() {
        DELIVERED.clear();
        COMPLETED.clear();
        ACCEPTED.clear();
        BATCHES.clear();
    }

    private static int receiveCount(SQSEvent.SQSMessage m) {
        return Integer.parseInt(m.getAttributes().getOrDefault("ApproximateReceiveCount", "0"));
    }

    private static List<Delivery> deliveries(SQSEvent event) {
        List<Delivery> out = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            out.add(new Delivery(m.getBody(), receiveCount(m)));
        }
        DELIVERED.addAll(out);
        BATCHES.add(List.copyOf(out));
        return out;
    }

    /** A body starting with "slow" takes 3 s on its first receive: longer than the function's 1 s Timeout. */
    public static final class SlowOnFirstReceive implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            List<Delivery> batch = deliveries(event);
            for (Delivery d : batch) {
                if (d.body().startsWith("slow") && d.receiveCount() == 1) {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted at the timeout");
                    }
                    return new SQSBatchResponse(List.of());   // too late: the runtime already gave up on this invocation
                }
            }
            COMPLETED.addAll(batch);
            return new SQSBatchResponse(List.of());
        }
    }

    /** Works through the batch in order and throws at "crash" on its first receive, after doing the earlier ones. */
    public static final class CrashMidBatch implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            List<Delivery> batch = deliveries(event);
            for (Delivery d : batch) {
                if (d.body().equals("crash") && d.receiveCount() == 1) {
                    throw new IllegalStateException("handler crashed in the middle of the batch");
                }
            }
            COMPLETED.addAll(batch);
            return new SQSBatchResponse(List.of());
        }
    }

    /**
     * FIFO: accepts messages in delivery order; a body ending in "-fails-once" fails on its first receive, and, as AWS
     * asks of FIFO handlers, every later message of its group in the batch is reported failed too
     * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
     */
    public static final class OrderedWithFailures implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            Set<String> failedGroups = new HashSet<>();
            deliveries(event);
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                String group = m.getAttributes().get("MessageGroupId");
                boolean fail = failedGroups.contains(group) || m.getBody().endsWith("-fails-once") && receiveCount(m) == 1;
                if (fail) {
                    failedGroups.add(group);
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                } else {
                    ACCEPTED.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(m.getBody());
                }
            }
            return new SQSBatchResponse(failures);
        }
    }
}
