package dev.outrigger.ops;

import dev.outrigger.core.DeadLetterAttributes;
import java.util.Locale;
import java.util.Set;

/**
 * Message attribute names on a dead letter. The job worker writes the "why" attributes when it parks a job; the
 * redriver adds the "history" attributes when it sends a job back. The names are defined once, in
 * {@link DeadLetterAttributes}.
 */
public final class DlqAttributes {
    public static final String PREFIX = DeadLetterAttributes.PREFIX;

    // Written by the job worker when a job dies.
    public static final String ERROR = DeadLetterAttributes.ERROR;
    public static final String ERROR_MESSAGE = DeadLetterAttributes.ERROR_MESSAGE;
    public static final String ATTEMPTS = DeadLetterAttributes.ATTEMPTS;
    public static final String SOURCE_QUEUE = DeadLetterAttributes.SOURCE_QUEUE;
    public static final String FAILED_AT = DeadLetterAttributes.FAILED_AT;
    public static final String JOB_ID = DeadLetterAttributes.JOB_ID;
    public static final String JOB_TYPE = DeadLetterAttributes.JOB_TYPE;

    // Written by the redriver when a job goes back to its queue.
    public static final String REDRIVE_COUNT = DeadLetterAttributes.REDRIVE_COUNT;
    public static final String PREVIOUS_ERROR = DeadLetterAttributes.PREVIOUS_ERROR;
    public static final String PREVIOUS_ERROR_MESSAGE = DeadLetterAttributes.PREVIOUS_ERROR_MESSAGE;
    public static final String REDRIVEN_AT = DeadLetterAttributes.REDRIVEN_AT;

    /** The reason a message is in a DLQ: dropped on redrive, the worker writes fresh ones if the job dies again. */
    static final Set<String> REASON = Set.of(ERROR, ERROR_MESSAGE, ATTEMPTS, SOURCE_QUEUE, FAILED_AT, JOB_ID, JOB_TYPE);

    /** Error class given to a message SQS itself moved (maxReceiveCount reached before the worker could park it). */
    public static final String MAX_RECEIVE_COUNT_EXCEEDED = "MaxReceiveCountExceeded";
    public static final String UNKNOWN = "unknown";

    /**
     * SQS allows at most 10 message attributes per message
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
     */
    static final int SQS_MAX_ATTRIBUTES = DeadLetterAttributes.SQS_MAX_ATTRIBUTES;

    private DlqAttributes() {
    }

    static boolean isReason(String name) {
        return REASON.contains(name.toLowerCase(Locale.ROOT));
    }
}
