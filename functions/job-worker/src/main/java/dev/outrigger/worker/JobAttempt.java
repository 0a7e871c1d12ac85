package dev.outrigger.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One try of a job.
 *
 * @param number   1 for the first try (SQS's ApproximateReceiveCount)
 * @param deadline when this try must be finished; handlers pass {@link #remaining(Clock)} to their own timeouts
 */
public record JobAttempt(String jobId, int number, Instant deadline) {

    public Duration remaining(Clock clock) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
