package dev.outrigger.local.executions;

import java.time.Instant;

/**
 * What DescribeExecution says about an execution.
 *
 * @param status    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE
 *                  (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html)
 * @param startedAt when it started
 * @param stoppedAt when it ended, or null while it runs
 * @param error     the error of a failed execution, else null
 * @param cause     its cause, else null
 */
public record ExecutionState(String status, Instant startedAt, Instant stoppedAt, String error, String cause) {
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";

    public boolean running() {
        return RUNNING.equals(status);
    }
}
