package dev.outrigger.core;

import java.time.Duration;

/** What became of one try of a job (DESIGN.md, "Outcomes"). A value, never an escaping exception. */
public sealed interface JobOutcome {

    /** Done: the message is deleted. */
    record Succeeded(String detail) implements JobOutcome {
    }

    /**
     * Worth trying again later.
     *
     * @param retryAfter what the remote side asked for (Retry-After), or null to use the worker's backoff
     */
    record Retry(String errorClass, String reason, Duration retryAfter) implements JobOutcome {
    }

    /** Will never succeed as it is: copied to the DLQ with the reason, then deleted. */
    record DeadLetter(String errorClass, String reason) implements JobOutcome {
    }
}
