package dev.outrigger.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.outrigger.core.Env;
import dev.outrigger.core.SnapStartPriming;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The job worker's Lambda entry point: SQS event in, partial batch response out
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting;
 * the event source mapping needs {@code FunctionResponseTypes: [ReportBatchItemFailures]}). All logic is in
 * {@link JobWorker}.
 */
public class SqsJobWorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Used when there is no Context (never in Lambda): a generous budget. */
    private static final long NO_CONTEXT_BUDGET_MS = 15 * 60 * 1000;

    private final JobWorker worker;
    private final InvocationLogFields logFields;
    /** Kept in a field: the CRaC context holds its resources weakly, and an unreferenced one would never run. */
    private final SnapStartPriming priming;

    public SqsJobWorkerHandler() {
        this(Env.system());
    }

    public SqsJobWorkerHandler(Env env) {
        this(JobWorker.fromEnv(env), InvocationLogFields.fromEnv(env));
    }

    SqsJobWorkerHandler(JobWorker worker) {
        this(worker, new InvocationLogFields(null));
    }

    SqsJobWorkerHandler(JobWorker worker, InvocationLogFields logFields) {
        this.worker = worker;
        this.logFields = logFields;
        // SnapStart: prime before the snapshot; after a restore, core drops cached secrets and HTTP connections.
        // Without SnapStart (or CRaC) the hooks never run and this costs nothing.
        this.priming = SnapStartPriming.register(worker::prime);
    }

    SnapStartPriming priming() {
        return priming;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<ReceivedMessage> messages = messages(event);
        LongSupplier remaining = context != null ? () -> context.getRemainingTimeInMillis() : deadlineIn(NO_CONTEXT_BUDGET_MS);
        Set<String> failed;
        try (InvocationLogFields.Scope ignored = logFields.open(context)) {
            failed = worker.process(messages, remaining);
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>(failed.size());
        failed.forEach(id -> failures.add(new SQSBatchResponse.BatchItemFailure(id)));
        return new SQSBatchResponse(failures);
    }

    static List<ReceivedMessage> messages(SQSEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        List<ReceivedMessage> out = new ArrayList<>(event.getRecords().size());
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            Map<String, String> attributes = record.getAttributes() == null ? Map.of() : record.getAttributes();
            Map<String, ReceivedMessage.MessageAttribute> messageAttributes = new LinkedHashMap<>();
            if (record.getMessageAttributes() != null) {
                record.getMessageAttributes().forEach((name, value) -> messageAttributes.put(name,
                        new ReceivedMessage.MessageAttribute(value.getDataType(), value.getStringValue(), bytes(value.getBinaryValue()))));
            }
            out.add(new ReceivedMessage(
                    record.getMessageId(),
                    record.getReceiptHandle(),
                    record.getBody(),
                    parseInt(attributes.get("ApproximateReceiveCount"), 1),
                    parseLong(attributes.get("SentTimestamp"), 0),
                    record.getEventSourceArn(),
                    attributes.get("MessageGroupId"),
                    messageAttributes));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static LongSupplier deadlineIn(long millis) {
        long end = System.nanoTime() / 1_000_000 + millis;
        return () -> end - System.nanoTime() / 1_000_000;
    }
}
