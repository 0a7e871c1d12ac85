package dev.outrigger.core;

import java.util.List;

/**
 * The message attributes a dead letter carries (DESIGN.md, "Outcomes"): one contract between the job worker, which
 * writes the reason when it parks a job, and the DLQ tools, which read it and add the redrive history.
 */
public final class DeadLetterAttributes {
    public static final String PREFIX = "outrigger-";

    // Why the job is in the DLQ: written by the job worker when a job dies.
    public static final String ERROR = "outrigger-error";
    public static final String ERROR_MESSAGE = "outrigger-error-message";
    public static final String ATTEMPTS = "outrigger-attempts";
    public static final String SOURCE_QUEUE = "outrigger-source-queue";
    public static final String FAILED_AT = "outrigger-failed-at";
    public static final String JOB_ID = "outrigger-job-id";
    public static final String JOB_TYPE = "outrigger-job-type";

    // Its history: written by `outrigger dlq redrive` when a job goes back to its queue.
    public static final String REDRIVE_COUNT = "outrigger-redrive-count";
    public static final String PREVIOUS_ERROR = "outrigger-previous-error";
    public static final String PREVIOUS_ERROR_MESSAGE = "outrigger-previous-error-message";
    public static final String REDRIVEN_AT = "outrigger-redriven-at";

    /**
     * The history the worker carries into the DLQ when a redriven job dies again, most important first, so the
     * redrive limit holds across runs.
     */
    public static final List<String> REDRIVE_HISTORY = List.of(REDRIVE_COUNT, PREVIOUS_ERROR, REDRIVEN_AT, PREVIOUS_ERROR_MESSAGE);

    /**
     * SQS allows at most 10 message attributes per message
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
     */
    public static final int SQS_MAX_ATTRIBUTES = 10;

    private DeadLetterAttributes() {
    }
}
