package dev.outrigger.local.cli;

import dev.outrigger.local.schedules.SchedulerContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;

/**
 * Fires one EventBridge Scheduler schedule now, in AWS, as Scheduler would: GetSchedule, fill the target Input's
 * context attributes ({@link SchedulerContext}: scheduled time = now to the second, a fresh execution id, the
 * schedule's ARN, attempt 1), then Lambda Invoke (RequestResponse) on the target function with that payload.
 *
 * <p>Only Lambda function targets (with or without an alias or version qualifier) are fired: those are the
 * hook schedules of this stack. Any other target (SQS, ECS, a universal {@code aws-sdk} target…) is refused
 * rather than half-emulated. One attempt, no retry policy and no DLQ: the operator sees the outcome and decides.
 */
final class AwsScheduleFire {
    /** arn:partition:lambda:region:account:function:name[:qualifier] (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). */
    private static final Pattern LAMBDA_ARN =
            Pattern.compile("arn:aws[a-z-]*:lambda:([a-z0-9-]+):\\d{12}:function:[A-Za-z0-9_-]{1,140}(:[A-Za-z0-9$_-]{1,128})?");

    /** What a fire ended in. */
    sealed interface Outcome permits Invoked, FunctionFailed, ScheduleNotFound, TargetRefused {
    }

    /** The function ran and returned {@code payload}. */
    record Invoked(String functionArn, Instant scheduledTime, String executionId, String input, String executedVersion,
                   String payload) implements Outcome {
    }

    /** The function ran and failed: Lambda's X-Amz-Function-Error ({@code Unhandled}/{@code Handled}) and the error payload. */
    record FunctionFailed(String functionArn, Instant scheduledTime, String executionId, String input, String functionError,
                          String payload) implements Outcome {
    }

    record ScheduleNotFound(String group, String name, String message) implements Outcome {
    }

    /** The schedule's target is not a Lambda function: nothing was invoked. */
    record TargetRefused(String name, String targetArn) implements Outcome {
    }

    private final SchedulerClient scheduler;
    private final Function<String, LambdaClient> lambdaForRegion;
    private final Clock clock;
    private final Supplier<String> executionIds;

    /**
     * @param lambdaForRegion builds a Lambda client for the target function's region (the caller of {@link #fire}
     *                        closes nothing: this class closes each client it gets)
     */
    AwsScheduleFire(SchedulerClient scheduler, Function<String, LambdaClient> lambdaForRegion, Clock clock,
                    Supplier<String> executionIds) {
        this.scheduler = scheduler;
        this.lambdaForRegion = lambdaForRegion;
        this.clock = clock;
        this.executionIds = executionIds;
    }

    AwsScheduleFire(SchedulerClient scheduler, Function<String, LambdaClient> lambdaForRegion) {
        this(scheduler, lambdaForRegion, Clock.systemUTC(), () -> UUID.randomUUID().toString());
    }

    Outcome fire(String group, String name) {
        GetScheduleResponse s;
        try {
            s = scheduler.getSchedule(b -> b.groupName(group).name(name));
        } catch (ResourceNotFoundException ex) {
            return new ScheduleNotFound(group, name, ex.awsErrorDetails() != null && ex.awsErrorDetails().errorMessage() != null
                    ? ex.awsErrorDetails().errorMessage() : ex.getMessage());
        }
        String targetArn = s.target() == null ? null : s.target().arn();
        Matcher m = targetArn == null ? null : LAMBDA_ARN.matcher(targetArn);
        if (m == null || !m.matches()) {
            return new TargetRefused(name, String.valueOf(targetArn));
        }
        Instant scheduledTime = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String executionId = executionIds.get();
        String input = SchedulerContext.fill(s.target().input(), scheduledTime, executionId, s.arn(), 1);
        InvokeResponse r;
        try (LambdaClient lambda = lambdaForRegion.apply(m.group(1))) {
            // The full ARN names the function and its qualifier; Lambda takes it as FunctionName.
            r = lambda.invoke(b -> b.functionName(targetArn).invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromString(input, StandardCharsets.UTF_8)));
        }
        String payload = r.payload() == null ? "" : r.payload().asUtf8String();
        if (r.functionError() != null) {
            return new FunctionFailed(targetArn, scheduledTime, executionId, input, r.functionError(), payload);
        }
        return new Invoked(targetArn, scheduledTime, executionId, input, r.executedVersion(), payload);
    }
}
