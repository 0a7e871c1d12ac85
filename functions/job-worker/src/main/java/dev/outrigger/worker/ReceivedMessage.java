package dev.outrigger.worker;

import java.util.Map;

/**
 * One SQS message as the worker sees it, free of Lambda and SDK types.
 *
 * @param approximateReceiveCount how many times SQS has handed this message out, this time included (the attempt number)
 * @param sentTimestamp           epoch milliseconds when the message was first sent
 * @param sourceQueueArn          the queue it came from (the event source ARN)
 * @param messageGroupId          FIFO queues only, else null
 * @param messageAttributes       the producer's message attributes, kept when the message is parked in a DLQ
 */
public record ReceivedMessage(
        String messageId,
        String receiptHandle,
        String body,
        int approximateReceiveCount,
        long sentTimestamp,
        String sourceQueueArn,
        String messageGroupId,
        Map<String, MessageAttribute> messageAttributes) {

    public ReceivedMessage {
        // Keep the producer's order: it decides which attributes survive the DLQ's 10-attribute limit.
        messageAttributes = messageAttributes == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(messageAttributes));
        approximateReceiveCount = Math.max(1, approximateReceiveCount);
    }

    /** An SQS message attribute: a String/Number value or a Binary one. */
    public record MessageAttribute(String dataType, String stringValue, byte[] binaryValue) {
    }
}
