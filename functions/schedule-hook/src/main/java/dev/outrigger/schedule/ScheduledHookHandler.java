package dev.outrigger.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.SignedDjangoClient;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * EventBridge Scheduler target: turns the schedule's Input into a {@link HookInput} and runs it with
 * {@link ScheduledHookRunner}. Failures throw, so Scheduler's RetryPolicy and DLQ apply.
 */
public final class ScheduledHookHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ScheduledHookRunner runner;

    public ScheduledHookHandler() {
        this(Env.system());
    }

    public ScheduledHookHandler(Env env) {
        this(new ScheduledHookRunner(
                env.get(SignedDjangoClient.BASE_URL_ENV).isPresent() ? SignedDjangoClient.fromEnv(env) : null,
                new SqsJobQueue(() -> AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build()),
                env, Duration.ofSeconds(env.intOr("HOOK_TIMEOUT_S", 30))));
    }

    ScheduledHookHandler(ScheduledHookRunner runner) {
        this.runner = runner;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        HookInput in = HookInput.parse(input);
        if (context != null) {
            context.getLogger().log("hook " + in.hook() + " mode=" + in.mode() + " job_id=" + in.jobId()
                    + " execution_id=" + in.executionId() + "\n");
        }
        return runner.run(in).toMap();
    }
}
