package dev.outrigger.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * One try of a job.
 *
 * @param number      1 for the first try (SQS's ApproximateReceiveCount)
 * @param deadline    when this try must be finished; handlers pass {@link #remaining(Clock)} to their own timeouts
 * @param lastAllowed the last attempt the worker allows, asked only by handlers that tell their target (see
 *                    {@link #lastAttempt()}); lazy because the queue's limit is read from SQS
 */
public record JobAttempt(String jobId, int number, Instant deadline, Supplier<OptionalInt> lastAllowed) {

    /** A try whose limit is not known. */
    public JobAttempt(String jobId, int number, Instant deadline) {
        this(jobId, number, deadline, OptionalInt::empty);
    }

    public Duration remaining(Clock clock) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * The last attempt after which the worker stops retrying: the lower of the envelope's max_attempts and the
     * queue's maxReceiveCount; empty when neither is known. A try with {@code number >= lastAttempt} that fails is
     * dead-lettered, so it is the job's final outcome.
     */
    public OptionalInt lastAttempt() {
        return lastAllowed.get();
    }
}
