package dev.outrigger.ops;

import dev.outrigger.core.InvalidEnvelopeException;
import dev.outrigger.core.JobEnvelope;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One message in a DLQ, with the reason it is there. A message the worker parked carries its reason in
 * {@code outrigger-*} attributes; a message SQS itself moved (maxReceiveCount reached without the worker seeing it)
 * carries none, so its error is {@link DlqAttributes#MAX_RECEIVE_COUNT_EXCEEDED} and its job id and type come from
 * the body when that is a valid envelope.
 *
 * @param failedAt      when the worker parked it; for SQS-moved messages the original send time (SQS keeps it)
 * @param sqsMoved      true when no worker reason is attached
 * @param attributes    all message attributes (String/Number values; binary ones as base64)
 * @param raw           the SDK message, kept for re-sending attributes unchanged and its receipt handle
 */
public record DeadLetter(String messageId, String jobId, String jobType, String error, String errorMessage,
                         Integer attempts, String sourceQueue, Instant failedAt, int redriveCount, String previousError,
                         int receiveCount, boolean sqsMoved, String body, Map<String, String> attributes, Message raw) {

    static DeadLetter from(Message m) {
        Map<String, String> attrs = new LinkedHashMap<>();
        m.messageAttributes().forEach((k, v) -> attrs.put(k, text(v)));
        if (attrs.containsKey(SCHEDULER_ERROR_CODE)) {
            return fromScheduler(m, attrs);
        }
        boolean sqsMoved = !attrs.containsKey(DlqAttributes.ERROR);
        String jobId = attrs.get(DlqAttributes.JOB_ID);
        String jobType = attrs.get(DlqAttributes.JOB_TYPE);
        if (jobId == null || jobType == null) {
            try {
                JobEnvelope envelope = JobEnvelope.parse(m.body());
                jobId = jobId == null ? envelope.id() : jobId;
                jobType = jobType == null ? envelope.type() : jobType;
            } catch (InvalidEnvelopeException | RuntimeException e) {
                // Not a valid envelope (that may be exactly why it died): grouped under "unknown".
            }
        }
        String error = sqsMoved ? DlqAttributes.MAX_RECEIVE_COUNT_EXCEEDED : attrs.get(DlqAttributes.ERROR);
        String errorMessage = sqsMoved
                ? "SQS moved it after maxReceiveCount deliveries; the worker never recorded a reason"
                : attrs.get(DlqAttributes.ERROR_MESSAGE);
        Instant failedAt = instant(attrs.get(DlqAttributes.FAILED_AT));
        if (failedAt == null) {
            failedAt = epochMillis(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP));
        }
        return new DeadLetter(m.messageId(), jobId, jobType == null ? DlqAttributes.UNKNOWN : jobType,
                error == null || error.isBlank() ? DlqAttributes.UNKNOWN : error, errorMessage,
                integer(attrs.get(DlqAttributes.ATTEMPTS)) != null ? integer(attrs.get(DlqAttributes.ATTEMPTS))
                        : sqsMoved ? integer(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)) : null,
                attrs.get(DlqAttributes.SOURCE_QUEUE), failedAt,
                integer(attrs.get(DlqAttributes.REDRIVE_COUNT)) == null ? 0 : integer(attrs.get(DlqAttributes.REDRIVE_COUNT)),
                attrs.get(DlqAttributes.PREVIOUS_ERROR),
                integer(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)) == null ? 0
                        : integer(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)),
                sqsMoved, m.body(), Collections.unmodifiableMap(attrs), m);
    }

    /**
     * EventBridge Scheduler's own dead letters: the target input as body, the reason in ERROR_CODE, ERROR_MESSAGE,
     * RETRY_ATTEMPTS, SCHEDULE_ARN (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
     * They have no source queue, so a redrive refuses them unless --to names one.
     */
    static final String SCHEDULER_ERROR_CODE = "ERROR_CODE";

    private static DeadLetter fromScheduler(Message m, Map<String, String> attrs) {
        String schedule = attrs.get("SCHEDULE_ARN");
        String type = "schedule:" + (schedule == null ? DlqAttributes.UNKNOWN : schedule.substring(schedule.lastIndexOf('/') + 1));
        Instant sent = epochMillis(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP));
        return new DeadLetter(m.messageId(), null, type, attrs.get(SCHEDULER_ERROR_CODE), attrs.get("ERROR_MESSAGE"),
                integer(attrs.get("RETRY_ATTEMPTS")), null, sent, 0, null, 0, false, m.body(), Collections.unmodifiableMap(attrs), m);
    }

    /** The job id when known, else the SQS message id (what `dlq show` and the reports print). */
    public String displayId() {
        return jobId != null ? jobId : "sqs:" + messageId;
    }

    public String receiptHandle() {
        return raw.receiptHandle();
    }

    private static String text(MessageAttributeValue v) {
        if (v.stringValue() != null) {
            return v.stringValue();
        }
        return v.binaryValue() == null ? null : java.util.Base64.getEncoder().encodeToString(v.binaryValue().asByteArray());
    }

    private static Integer integer(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant epochMillis(String s) {
        try {
            return s == null ? null : Instant.ofEpochMilli(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
