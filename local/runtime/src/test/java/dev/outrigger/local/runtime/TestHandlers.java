package dev.outrigger.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.outrigger.core.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Small handlers the poller ITs drive; each records what it saw, by function name. */
public final class TestHandlers {
    /** body seen, per function, in invocation order. */
    static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();
    /** one entry per invocation: the batch's bodies. */
    static final Map<String, List<List<String>>> BATCHES = new ConcurrentHashMap<>();
    static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    /** The batch Malformed answered with a foreign itemIdentifier (with two pollers it need not be the first one seen). */
    static final List<List<String>> ANSWERED_MALFORMED = new CopyOnWriteArrayList<>();
    static final CountDownLatch BLOCK = new CountDownLatch(1);

    private TestHandlers() {
    }

    static List<String> seen(String function) {
        return SEEN.computeIfAbsent(function, k -> new CopyOnWriteArrayList<>());
    }

    static List<List<String>> batches(String function) {
        return BATCHES.computeIfAbsent(function, k -> new CopyOnWriteArrayList<>());
    }

    private static void record(SQSEvent event, Context context) {
        List<String> bodies = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            seen(context.getFunctionName()).add(m.getBody());
            bodies.add(m.getBody());
        }
        batches(context.getFunctionName()).add(bodies);
    }

    /** Reports every message whose body starts with "fail" (until it has failed once when it starts with "fail-once"). */
    public static final class Partial implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            record(event, context);
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                boolean fail = m.getBody().startsWith("fail-once") ? ONCE.add(m.getMessageId()) : m.getBody().startsWith("fail");
                if (fail) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        }
    }

    /** Throws on the first invocation that holds a "boom" message. */
    public static final class Throwing implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            record(event, context);
            if (event.getRecords().stream().anyMatch(m -> m.getBody().equals("boom")) && ONCE.add("throwing")) {
                throw new IllegalStateException("boom");
            }
            return new SQSBatchResponse(List.of());
        }
    }

    /** Answers with an itemIdentifier that is not in the batch on its first invocation. */
    public static final class Malformed implements RequestHandler<SQSEvent, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(SQSEvent event, Context context) {
            record(event, context);
            if (ONCE.add("malformed")) {
                ANSWERED_MALFORMED.add(event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList());
                return Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "not-a-message-of-this-batch")));
            }
            return Map.of("batchItemFailures", List.of());
        }
    }

    /**
     * FIFO, deliberately naive: fails "A-2" once but goes on processing A-3 and does not list it, so Lambda (and the
     * runtime) deletes A-3 before A-2 is done: the reordering AWS would show.
     */
    public static final class Ordered implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            record(event, context);
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                if (m.getBody().equals("A-2") && ONCE.add("ordered")) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        }
    }

    /** Sleeps past its 1 s Timeout on the first delivery of each message. */
    public static final class Slow implements RequestHandler<SQSEvent, Void> {
        @Override
        public Void handleRequest(SQSEvent event, Context context) {
            record(event, context);
            if (ONCE.add("slow-" + event.getRecords().get(0).getMessageId())) {
                long end = System.currentTimeMillis() + 3000;
                while (System.currentTimeMillis() < end) {
                    Thread.onSpinWait();   // ignores interrupts, like code stuck in a busy loop
                }
            }
            return null;
        }
    }

    /** Processes half of the first batch, then crashes. */
    public static final class Crash implements RequestHandler<SQSEvent, Void> {
        @Override
        public Void handleRequest(SQSEvent event, Context context) {
            boolean crash = ONCE.add("crash");
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < event.getRecords().size(); i++) {
                if (crash && i == event.getRecords().size() / 2) {
                    batches(context.getFunctionName()).add(bodies);
                    throw new OutOfMemoryError("simulated crash in the middle of the batch");
                }
                seen(context.getFunctionName()).add(event.getRecords().get(i).getBody());
                bodies.add(event.getRecords().get(i).getBody());
            }
            batches(context.getFunctionName()).add(bodies);
            return null;
        }
    }

    /** Blocks until released (used to stop the runtime with messages in flight). */
    public static final class Blocking implements RequestHandler<SQSEvent, Void> {
        @Override
        public Void handleRequest(SQSEvent event, Context context) {
            record(event, context);
            try {
                BLOCK.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    /** Echoes its environment and context, for invoke tests; constructed with the function's Env. */
    public static final class EnvEcho implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        private final Env env;

        public EnvEcho(Env env) {
            this.env = env;
        }

        public EnvEcho() {
            throw new AssertionError("the runtime must use the Env constructor");
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            return Map.of("input", input, "queueUrl", env.require("QUEUE_URL"), "globals", env.require("FROM_GLOBALS"),
                    "endpointSqs", env.require("AWS_ENDPOINT_URL_SQS"), "memory", context.getMemoryLimitInMB(),
                    "functionName", context.getFunctionName(), "remainingMs", context.getRemainingTimeInMillis(),
                    "region", env.require("AWS_REGION"));
        }
    }
}
