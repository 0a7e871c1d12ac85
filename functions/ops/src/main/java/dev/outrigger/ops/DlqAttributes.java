package dev.outrigger.ops;

import java.util.Locale;
import java.util.Set;

/**
 * Message attribute names on a dead letter. The job worker writes the "why" attributes when it parks a job; the
 * redriver adds the "history" attributes when it sends a job back. The strings are the contract with
 * {@code dev.outrigger.worker.DeadLetters} (same values; ops does not depend on the worker module).
 */
public final class DlqAttributes {
    public static final String PREFIX = "outrigger-";

    // Written by the job worker when a job dies.
    public static final String ERROR = "outrigger-error";
    public static final String ERROR_MESSAGE = "outrigger-error-message";
    public static final String ATTEMPTS = "outrigger-attempts";
    public static final String SOURCE_QUEUE = "outrigger-source-queue";
    public static final String FAILED_AT = "outrigger-failed-at";
    public static final String JOB_ID = "outrigger-job-id";
    public static final String JOB_TYPE = "outrigger-job-type";

    // Written by the redriver when a job goes back to its queue.
    public static final String REDRIVE_COUNT = "outrigger-redrive-count";
    public static final String PREVIOUS_ERROR = "outrigger-previous-error";
    public static final String PREVIOUS_ERROR_MESSAGE = "outrigger-previous-error-message";
    public static final String REDRIVEN_AT = "outrigger-redriven-at";

    /** The reason a message is in a DLQ: dropped on redrive, the worker writes fresh ones if the job dies again. */
    static final Set<String> REASON = Set.of(ERROR, ERROR_MESSAGE, ATTEMPTS, SOURCE_QUEUE, FAILED_AT, JOB_ID, JOB_TYPE);

    /** Error class given to a message SQS itself moved (maxReceiveCount reached before the worker could park it). */
    public static final String MAX_RECEIVE_COUNT_EXCEEDED = "MaxReceiveCountExceeded";
    public static final String UNKNOWN = "unknown";

    /**
     * SQS allows at most 10 message attributes per message
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
     */
    static final int SQS_MAX_ATTRIBUTES = 10;

    private DlqAttributes() {
    }

    static boolean isReason(String name) {
        return REASON.contains(name.toLowerCase(Locale.ROOT));
    }
}
