package dev.outrigger.core;

import java.nio.charset.StandardCharsets;
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

    /** {@link #ERROR_MESSAGE} (and the redrive's previous one) carries at most this much UTF-8: enough to act on. */
    public static final int MAX_ERROR_MESSAGE_BYTES = 1024;

    private DeadLetterAttributes() {
    }

    /** An error message as {@link #ERROR_MESSAGE} carries it: {@link #sanitize}d, at most 1 KiB of UTF-8. */
    public static String errorMessage(String message) {
        return truncateUtf8(sanitize(message == null || message.isBlank() ? "(no message)" : message), MAX_ERROR_MESSAGE_BYTES);
    }

    /**
     * SQS rejects attribute values with characters outside #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF;
     * an error message quoting a bad body could contain them, and a rejected send would keep the job failing.
     */
    public static String sanitize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            boolean ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            out.appendCodePoint(ok ? cp : '?');
        });
        return out.toString();
    }

    /** At most maxBytes of UTF-8, cut at a code point boundary (never half a character), "…" marking a cut. */
    public static String truncateUtf8(String text, int maxBytes) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        String ellipsis = "…";
        int budget = maxBytes - ellipsis.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + size > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += size;
            i += Character.charCount(cp);
        }
        return out.append(ellipsis).toString();
    }
}
