package dev.outrigger.schedule;

import java.time.Instant;

/**
 * Where the hook function parks a firing that can never succeed (Django's permanent answer, an input that is no hook
 * invocation): the template's SchedulerDLQ, and a list in tests. EventBridge Scheduler retries only a failed
 * invocation and dead-letters only after its retries, so for "no retry, straight to the DLQ" the function sends the
 * event there itself and returns normally
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-retry-policy.html).
 */
public interface HookDeadLetters {
    /**
     * One parked firing: the schedule's input as the body, and why.
     *
     * @param error   the error class, as the job worker names them: {@code Http404}, {@code InvalidHookInput}
     * @param jobId   {@code hook:<name>:<scheduled time>}, null when the input had none
     * @param jobType {@code hook:<name>} ({@code hook} when the input named none)
     */
    record DeadLetter(String body, String error, String reason, String jobId, String jobType, Instant failedAt) {
    }

    void send(DeadLetter deadLetter);
}
