package dev.outrigger.schedule;

/**
 * The hook did not run: Django answered non-2xx (other than 409), or could not be reached. Thrown out of the
 * handler on purpose: the invocation fails, EventBridge Scheduler retries it per the schedule's RetryPolicy and
 * sends the last failure to the schedule's DeadLetterConfig queue.
 *
 * @see <a href="https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html">Scheduler DLQ</a>
 */
public final class HookFailedException extends RuntimeException {
    private final int status;

    public HookFailedException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Django's HTTP status, or 0 when there was no answer (connection refused, timeout). */
    public int status() {
        return status;
    }
}
