package dev.outrigger.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.DjangoRoute;
import dev.outrigger.core.Env;
import dev.outrigger.core.EnvelopeSchema;
import dev.outrigger.core.HttpOutcomes;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.SignedDjangoClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code django.task}: a signed POST to Django's {@code tasks/<task>} endpoint (DESIGN.md, "Signed calls to Django").
 *
 * <p>Payload: {@code {"task": "reports.generate", "args": [], "kwargs": {}}}. Request body:
 * {@code {"task", "id", "payload", "attempt", "max_attempts", "meta"}}, where payload is the envelope's payload as
 * published and max_attempts (when known) the last attempt the worker allows, so Django can tell a failed try that
 * will be retried from the final one (its Tasks-framework result is then FAILED).
 */
public final class DjangoTaskHandler implements JobHandler {
    public static final String TYPE = "django.task";

    /** The schema's $defs/taskName, the grammar Django's @outrigger_task registers names by: the name can't leave tasks/. */
    static final EnvelopeSchema.NameGrammar TASK_NAME = EnvelopeSchema.get().taskName();

    private final SignedDjangoClient django;
    private final Clock clock;

    public DjangoTaskHandler(SignedDjangoClient django, Clock clock) {
        this.django = django;
        this.clock = clock;
    }

    public static DjangoTaskHandler fromEnv(Env env) {
        return new DjangoTaskHandler(SignedDjangoClient.fromEnv(env), Clock.systemUTC());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
        ObjectNode payload = job.payload();
        JsonNode task = payload.get("task");
        if (task == null || !task.isTextual()) {
            return invalid("payload.task: required, a string");
        }
        String name = task.asText();
        if (!TASK_NAME.accepts(name)) {
            return invalid("payload.task: not a task name (" + TASK_NAME.describe() + ")");
        }
        JsonNode args = payload.get("args");
        if (args != null && !args.isNull() && !args.isArray()) {
            return invalid("payload.args: must be an array");
        }
        JsonNode kwargs = payload.get("kwargs");
        if (kwargs != null && !kwargs.isNull() && !kwargs.isObject()) {
            return invalid("payload.kwargs: must be an object");
        }
        DjangoRoute route = DjangoRoute.task(name);
        ObjectNode body = route.newBody();
        body.put("id", job.id());
        body.set("payload", payload);
        body.put("attempt", attempt.number());
        attempt.lastAttempt().ifPresent(last -> body.put("max_attempts", last));
        ObjectNode meta = body.putObject("meta");
        job.meta().forEach(meta::put);
        Duration timeout = attempt.remaining(clock);
        if (timeout.isZero()) {
            return new JobOutcome.Retry("Timeout", "no time left for the call", null);
        }
        try {
            return HttpOutcomes.classify(django.post(route, body, job.id(), attempt.number(), timeout), clock);
        } catch (IOException e) {
            return HttpOutcomes.classify(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobOutcome.Retry("Timeout", "interrupted at the try's deadline", null);
        }
    }

    private static JobOutcome invalid(String reason) {
        return new JobOutcome.DeadLetter("InvalidPayload", reason);
    }
}
