package dev.outrigger.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.Memo;
import dev.outrigger.core.SignedDjangoClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * EventBridge Scheduler target: turns the schedule's Input into a {@link HookInput} and runs it with
 * {@link ScheduledHookRunner}. Transient failures throw, so Scheduler's RetryPolicy and DLQ apply; a firing that can
 * never succeed (a permanent answer, a bad input) is parked in SchedulerDLQ (SCHEDULER_DLQ_URL) and returns normally.
 */
public final class ScheduledHookHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ScheduledHookRunner runner;

    public ScheduledHookHandler() {
        this(Env.system());
    }

    public ScheduledHookHandler(Env env) {
        // Built at the first enqueue or dead letter: a hook in call mode that succeeds never builds it.
        this(env, Memo.of(() -> AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build()));
    }

    private ScheduledHookHandler(Env env, Supplier<SqsClient> sqs) {
        this(new ScheduledHookRunner(
                env.get(SignedDjangoClient.BASE_URL_ENV).isPresent() ? SignedDjangoClient.fromEnv(env) : null,
                new SqsJobQueue(sqs),
                env.get(SqsHookDeadLetters.QUEUE_URL_ENV).map(url -> new SqsHookDeadLetters(sqs, url)),
                env, Duration.ofSeconds(env.intOr("HOOK_TIMEOUT_S", 30)), Clock.systemUTC()));
    }

    ScheduledHookHandler(ScheduledHookRunner runner) {
        this.runner = runner;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        HookInput in;
        try {
            in = HookInput.parse(input);
        } catch (InvalidHookInputException e) {
            log(context, "hook input refused, dead-lettered: " + e.getMessage());
            return runner.refuse(input, e).toMap();
        }
        log(context, "hook " + in.hook() + " mode=" + in.mode() + " job_id=" + in.jobId() + " execution_id=" + in.executionId());
        ScheduledHookRunner.Result result = runner.run(in);
        if (result.deadLetter() != null) {
            log(context, "hook " + in.hook() + " job_id=" + in.jobId() + " dead-lettered, not retried: " + result.deadLetter().error());
        }
        return result.toMap();
    }

    private static void log(Context context, String line) {
        if (context != null) {
            context.getLogger().log(line + "\n");
        }
    }
}
