package dev.outrigger.local.schedules;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * EventBridge Scheduler's context attributes: the keywords Scheduler replaces in a target's Input each time it
 * invokes the target (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 * The replacement is textual, anywhere in the Input, as Scheduler does it. Both the local scheduler and
 * {@code outrigger schedules fire --aws} fill the Input with this one method.
 */
public final class SchedulerContext {
    public static final String SCHEDULE_ARN = "<aws.scheduler.schedule-arn>";
    public static final String SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";
    public static final String EXECUTION_ID = "<aws.scheduler.execution-id>";
    public static final String ATTEMPT_NUMBER = "<aws.scheduler.attempt-number>";

    private SchedulerContext() {
    }

    /**
     * The Input with the four context attributes filled in. The scheduled time is written to the second, in UTC
     * (RFC 3339, e.g. {@code 2022-03-22T18:59:43Z}, the form in the AWS page above). A null Input is {@code {}}.
     */
    public static String fill(String input, Instant scheduledTime, String executionId, String scheduleArn, int attemptNumber) {
        return (input == null ? "{}" : input)
                .replace(SCHEDULED_TIME, scheduledTime.truncatedTo(ChronoUnit.SECONDS).toString())
                .replace(EXECUTION_ID, executionId)
                .replace(SCHEDULE_ARN, scheduleArn)
                .replace(ATTEMPT_NUMBER, Integer.toString(attemptNumber));
    }
}
