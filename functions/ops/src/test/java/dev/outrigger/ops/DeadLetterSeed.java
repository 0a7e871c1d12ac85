package dev.outrigger.ops;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Dead letters as the job worker writes them: original body, reason attributes. */
final class DeadLetterSeed {
    static final String[] TYPES = {"django.task", "webhook", "sns.publish", "events.put"};
    static final String[] ERRORS = {"HttpStatus404", "HttpStatus500", "Timeout", "SsrfRefused", "InvalidEnvelope"};

    record Seeded(String jobId, String type, String error, Instant failedAt, int redriveCount) {
    }

    /** n dead letters, type i%4, error i%5, failed i*10 minutes before {@code now}; redrive count from {@code redrives}. */
    static List<Seeded> seed(SqsClient sqs, String dlqUrl, String sourceQueueName, int n, Instant now,
                             java.util.function.IntUnaryOperator redrives) {
        List<Seeded> out = new ArrayList<>();
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("job-%04d", i);
            String type = TYPES[i % TYPES.length];
            String error = ERRORS[i % ERRORS.length];
            Instant failedAt = now.minus(10L * i, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
            int redriveCount = redrives.applyAsInt(i);
            String body = "{\"version\":1,\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":{\"n\":" + i
                    + "},\"created_at\":\"" + failedAt.minusSeconds(60) + "\"}";
            Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
            attrs.put(DlqAttributes.ERROR, s(error));
            attrs.put(DlqAttributes.ERROR_MESSAGE, s(error + " from downstream for " + id));
            attrs.put(DlqAttributes.ATTEMPTS, MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(1 + i % 5)).build());
            attrs.put(DlqAttributes.SOURCE_QUEUE, s(sourceQueueName));
            attrs.put(DlqAttributes.FAILED_AT, s(failedAt.toString()));
            attrs.put(DlqAttributes.JOB_ID, s(id));
            attrs.put(DlqAttributes.JOB_TYPE, s(type));
            attrs.put("traceparent", s("00-" + String.format("%032x", i) + "-00f067aa0ba902b7-01"));
            if (redriveCount > 0) {
                attrs.put(DlqAttributes.REDRIVE_COUNT, MessageAttributeValue.builder().dataType("Number")
                        .stringValue(Integer.toString(redriveCount)).build());
            }
            batch.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).messageAttributes(attrs).build());
            out.add(new Seeded(id, type, error, failedAt, redriveCount));
            if (batch.size() == 10 || i == n - 1) {
                List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                var r = sqs.sendMessageBatch(b -> b.queueUrl(dlqUrl).entries(entries));
                if (!r.failed().isEmpty()) {
                    throw new IllegalStateException("seed failed: " + r.failed());
                }
                batch.clear();
            }
        }
        return out;
    }

    private static MessageAttributeValue s(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }
}
