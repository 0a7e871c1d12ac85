package dev.outrigger.worker;

import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;

/**
 * Runs one job type. Implementations return an outcome for every foreseeable failure; an exception that escapes
 * counts as a transient failure (the job is retried and, once exhausted, parked in the DLQ).
 *
 * <p>Called concurrently from several threads: implementations must be thread-safe.
 */
public interface JobHandler {
    /** The envelope {@code type} this handler runs, e.g. {@code django.task}. */
    String type();

    JobOutcome handle(JobEnvelope job, JobAttempt attempt);
}
