package dev.outrigger.worker;

/**
 * What the worker did with one job (one message, or several carrying the same job id). Logged as one JSON line and
 * counted in the metrics. Deliberately holds no payload, body, reason text or header: only names and numbers.
 *
 * @param jobId      null when the body was not a valid envelope
 * @param type       the envelope type, "invalid" when the body was not a valid envelope
 * @param errorClass null on success
 * @param duplicates how many more messages of this batch carried the same job id (they share this outcome)
 */
public record JobReport(
        String messageId,
        String jobId,
        String type,
        int attempt,
        Disposition outcome,
        long durationMs,
        String errorClass,
        int duplicates) {

    /** The fate of a message in this invocation. */
    public enum Disposition {
        /** Done: deleted by Lambda. */
        SUCCEEDED("succeeded", false),
        /** Reported failed with a backoff visibility timeout; SQS hands it out again later. */
        RETRIED("retried", true),
        /** Copied to the DLQ with the reason, then deleted by Lambda. */
        DEAD_LETTERED("dead_lettered", false),
        /** Should have gone to the DLQ but the send failed (or there is no DLQ): reported failed, kept on the queue. */
        DEAD_LETTER_FAILED("dead_letter_failed", true),
        /** Not started (or not finished) before the invocation ran out of time: reported failed, kept on the queue. */
        NOT_STARTED("not_started", true),
        /**
         * FIFO: behind an earlier message of its group that did not succeed; not attempted, reported failed, and made
         * visible again at once so it comes back right after that one.
         */
        HELD("held", true);

        private final String label;
        private final boolean reportedFailed;

        Disposition(String label, boolean reportedFailed) {
            this.label = label;
            this.reportedFailed = reportedFailed;
        }

        public String label() {
            return label;
        }

        /** Whether the message id goes into the batch response's failures (so Lambda does not delete it). */
        public boolean reportedFailed() {
            return reportedFailed;
        }
    }
}
