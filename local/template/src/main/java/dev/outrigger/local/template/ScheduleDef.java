package dev.outrigger.local.template;

import java.time.Instant;

/**
 * An AWS::Scheduler::Schedule, or a ScheduleV2 event of an AWS::Serverless::Function (logicalId is then
 * {@code <FunctionLogicalId><EventName>}, as SAM names the generated schedule).
 *
 * @param targetFunction  logical id of the target function, or null when the target is not a function of the template
 * @param input           the target's Input (a JSON string), or null
 * @param enabled         State is ENABLED (the default)
 * @param retryPolicy     the target's RetryPolicy, with Scheduler's defaults for what is not set
 * @param deadLetterQueue logical id of the template queue the target's DeadLetterConfig.Arn names, or null when the
 *                        schedule has no DeadLetterConfig (Scheduler then drops an event it could not deliver)
 * @param startDate       StartDate, or null: no fire before it (a rate counts from it)
 * @param endDate         EndDate, or null: no fire from it on
 */
public record ScheduleDef(String logicalId, String name, String groupName, String expression, String timezone,
                          String targetFunction, String targetArn, String input, boolean enabled,
                          RetryPolicy retryPolicy, String deadLetterQueue, Instant startDate, Instant endDate, int line) {

    /**
     * Target.RetryPolicy
     * (<a href="https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html">RetryPolicy</a>):
     * retries stop after {@code maximumRetryAttempts} retries or once the event is {@code maximumEventAgeSeconds}
     * old, whichever comes first.
     *
     * @param maximumRetryAttempts   0..185, default 185
     * @param maximumEventAgeSeconds 60..86400, default 86400
     */
    public record RetryPolicy(int maximumRetryAttempts, int maximumEventAgeSeconds) {
        public static final int MAX_RETRY_ATTEMPTS = 185;
        public static final int MIN_EVENT_AGE_SECONDS = 60;
        public static final int MAX_EVENT_AGE_SECONDS = 86_400;
        /** What Scheduler uses when the target has no RetryPolicy. */
        public static final RetryPolicy DEFAULT = new RetryPolicy(MAX_RETRY_ATTEMPTS, MAX_EVENT_AGE_SECONDS);
    }
}
