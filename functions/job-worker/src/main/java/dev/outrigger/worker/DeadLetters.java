package dev.outrigger.worker;

import static dev.outrigger.core.DeadLetterAttributes.sanitize;

import dev.outrigger.core.DeadLetterAttributes;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Parks a message in a DLQ: the original body unchanged, plus message attributes that say why it is there.
 * Operators read them with {@code outrigger dlq inspect}; the redrive function strips them again.
 */
public class DeadLetters {
    public static final String ERROR = DeadLetterAttributes.ERROR;
    public static final String ERROR_MESSAGE = DeadLetterAttributes.ERROR_MESSAGE;
    public static final String ATTEMPTS = DeadLetterAttributes.ATTEMPTS;
    public static final String SOURCE_QUEUE = DeadLetterAttributes.SOURCE_QUEUE;
    public static final String FAILED_AT = DeadLetterAttributes.FAILED_AT;
    public static final String JOB_ID = DeadLetterAttributes.JOB_ID;
    public static final String JOB_TYPE = DeadLetterAttributes.JOB_TYPE;
    public static final String PREFIX = DeadLetterAttributes.PREFIX;
    static final java.util.List<String> REDRIVE_HISTORY = DeadLetterAttributes.REDRIVE_HISTORY;

    static final int SQS_MAX_ATTRIBUTES = DeadLetterAttributes.SQS_MAX_ATTRIBUTES;

    private final java.util.function.Supplier<SqsClient> sqs;

    public DeadLetters(java.util.function.Supplier<SqsClient> sqs) {
        this.sqs = sqs;
    }

    /** Why a message is parked. jobId and jobType are null when the body could not be parsed. */
    public record Reason(String errorClass, String message, int attempts, String jobId, String jobType, Instant failedAt) {
    }

    public void send(String dlqUrl, boolean fifo, String sourceQueueName, ReceivedMessage message, Reason reason) {
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(dlqUrl)
                .messageBody(message.body())
                .messageAttributes(attributes(sourceQueueName, message, reason));
        if (fifo) {
            // A FIFO queue requires a group; keeping the original's preserves its order among the parked messages.
            // The SQS message id is stable across redeliveries, so a DLQ send retried after a lost response is
            // deduplicated by SQS (5-minute window).
            request.messageGroupId(message.messageGroupId() != null ? message.messageGroupId() : "outrigger-dlq")
                    .messageDeduplicationId(message.messageId());
        }
        sqs.get().sendMessage(request.build());
    }

    static Map<String, MessageAttributeValue> attributes(String sourceQueueName, ReceivedMessage message, Reason reason) {
        Map<String, MessageAttributeValue> out = new LinkedHashMap<>();
        out.put(ERROR, string(sanitize(reason.errorClass() == null || reason.errorClass().isBlank() ? "Unknown" : reason.errorClass())));
        out.put(ERROR_MESSAGE, string(DeadLetterAttributes.errorMessage(reason.message())));
        out.put(ATTEMPTS, MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(reason.attempts())).build());
        out.put(SOURCE_QUEUE, string(sourceQueueName));
        out.put(FAILED_AT, string(DateTimeFormatter.ISO_INSTANT.format(reason.failedAt().truncatedTo(ChronoUnit.MILLIS))));
        if (reason.jobId() != null) {
            out.put(JOB_ID, string(sanitize(reason.jobId())));
        }
        if (reason.jobType() != null) {
            out.put(JOB_TYPE, string(sanitize(reason.jobType())));
        }
        // Then the redrive history, most important first, then the producer's (trace context, tenant…) while room
        // remains. Other outrigger-* attributes from an earlier trip through a DLQ are replaced, not duplicated.
        for (String name : REDRIVE_HISTORY) {
            ReceivedMessage.MessageAttribute value = message.messageAttributes().get(name);
            if (value != null && out.size() < SQS_MAX_ATTRIBUTES) {
                out.put(name, copy(value));
            }
        }
        for (Map.Entry<String, ReceivedMessage.MessageAttribute> entry : message.messageAttributes().entrySet()) {
            if (out.size() >= SQS_MAX_ATTRIBUTES) {
                break;
            }
            if (entry.getKey().toLowerCase(java.util.Locale.ROOT).startsWith(PREFIX) || out.containsKey(entry.getKey())) {
                continue;
            }
            out.put(entry.getKey(), copy(entry.getValue()));
        }
        return out;
    }

    private static MessageAttributeValue copy(ReceivedMessage.MessageAttribute value) {
        MessageAttributeValue.Builder copy = MessageAttributeValue.builder().dataType(value.dataType());
        if (value.binaryValue() != null) {
            copy.binaryValue(SdkBytes.fromByteArray(value.binaryValue()));
        } else {
            copy.stringValue(value.stringValue());
        }
        return copy.build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
