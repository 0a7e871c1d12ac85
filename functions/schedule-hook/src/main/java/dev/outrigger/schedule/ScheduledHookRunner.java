package dev.outrigger.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.ConfigException;
import dev.outrigger.core.DjangoRoute;
import dev.outrigger.core.Env;
import dev.outrigger.core.HttpOutcomes;
import dev.outrigger.core.HttpResult;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import dev.outrigger.core.SignedDjangoClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one scheduled hook.
 * <ul>
 *   <li>{@code call}: a signed POST to Django's {@code hooks/<name>} with body
 *       {"hook","id","scheduled_time","execution_id","args"} and job id {@code hook:<name>:<scheduled time>}. Django's
 *       answer is classified by DESIGN.md's outcome table ({@link HttpOutcomes}): 2xx and 409 (already done) succeed;
 *       a transient answer (408, 425, 429, 5xx) or no answer throws {@link HookFailedException}, so Scheduler's
 *       RetryPolicy retries it; a permanent one (400, 401, 403, 404, 410, 422, …) can never succeed, so the firing
 *       goes to SchedulerDLQ with the reason at once ({@link HookDeadLetters}) and the invocation returns normally:
 *       Scheduler retries only invocations that fail.</li>
 *   <li>{@code enqueue}: a {@code django.task} job with the same id and payload {"task","args","kwargs"} on
 *       JOBS_QUEUE_URL, or on JOBS_QUEUE_URL_&lt;QUEUE&gt; when args name a queue; the job worker's retries and DLQ
 *       then apply.</li>
 * </ul>
 * Because the id derives from the scheduled time, a double fire (or a Scheduler retry) reaches Django with the same
 * id and Django drops the duplicate. Without a dead-letter queue (SCHEDULER_DLQ_URL unset) a permanent answer throws
 * too, and reaches the schedule's own DeadLetterConfig after its retries.
 */
public final class ScheduledHookRunner {
    public static final String QUEUE_URL_ENV = "JOBS_QUEUE_URL";

    /**
     * What happened: for call the HTTP status (and Django's {@code result}, when it sent one), for enqueue the queue and
     * message id; deadLetter when the firing was parked in SchedulerDLQ instead.
     */
    public record Result(String jobId, String mode, int status, String queueUrl, String messageId, JsonNode djangoResult,
                         HookDeadLetters.DeadLetter deadLetter) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job_id", jobId);
            m.put("mode", mode);
            if (queueUrl == null) {
                m.put("status", status);
            } else {
                m.put("queue_url", queueUrl);
                m.put("message_id", messageId);
            }
            if (djangoResult != null) {
                m.put("result", Json.MAPPER.convertValue(djangoResult, Object.class));
            }
            if (deadLetter != null) {
                m.put("dead_lettered", true);
                m.put("error", deadLetter.error());
                m.put("reason", deadLetter.reason());
            }
            return m;
        }
    }

    private final SignedDjangoClient django;
    private final JobQueue queue;
    private final Optional<HookDeadLetters> deadLetters;
    private final Env env;
    private final Duration timeout;
    private final Clock clock;

    public ScheduledHookRunner(SignedDjangoClient django, JobQueue queue, Optional<HookDeadLetters> deadLetters, Env env,
                               Duration timeout, Clock clock) {
        this.django = django;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.env = env;
        this.timeout = timeout;
        this.clock = clock;
    }

    public Result run(HookInput in) {
        return in.mode() == HookInput.Mode.CALL ? call(in) : enqueue(in);
    }

    /**
     * An input that is no hook invocation can never succeed either: parked in SchedulerDLQ with the reason (the input
     * as it came, as the body), or thrown when there is no dead-letter queue.
     */
    public Result refuse(Map<String, Object> input, InvalidHookInputException invalid) {
        if (deadLetters.isEmpty()) {
            throw invalid;
        }
        Object hook = input == null ? null : input.get("hook");
        String name = hook instanceof String h && HookInput.NAME.accepts(h) ? h : null;
        HookDeadLetters.DeadLetter d = new HookDeadLetters.DeadLetter(Json.MAPPER.valueToTree(input).toString(),
                "InvalidHookInput", invalid.getMessage(), null, name == null ? "hook" : "hook:" + name, clock.instant());
        deadLetters.get().send(d);
        return new Result(null, "invalid", 0, null, null, null, d);
    }

    private Result call(HookInput in) {
        if (django == null) {
            throw new ConfigException("hook '" + in.hook() + "' is mode call but " + SignedDjangoClient.BASE_URL_ENV + " is not set");
        }
        DjangoRoute route = DjangoRoute.hook(in.hook());
        ObjectNode body = route.newBody();
        // The dedupe key goes in the body because the signature covers the body, not X-Outrigger-Job-Id, and it is
        // not execution_id: Scheduler doesn't promise the same execution id when it delivers one firing twice.
        body.put("id", in.jobId());
        body.put("scheduled_time", in.scheduledTime().toString());
        body.put("execution_id", in.executionId());
        body.set("args", in.args());
        String path = route.path();
        HttpResult r;
        try {
            r = django.post(route, body, in.jobId(), 1, timeout);
        } catch (HttpTimeoutException e) {
            throw new HookFailedException(0, "hook '" + in.hook() + "': Django did not answer " + path + " within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new HookFailedException(0, "hook '" + in.hook() + "': cannot connect to Django at " + django.baseUrl() + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (IOException e) {
            throw new HookFailedException(0, "hook '" + in.hook() + "': calling Django " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookFailedException(0, "hook '" + in.hook() + "': interrupted", e);
        }
        JobOutcome outcome = HttpOutcomes.classify(r, clock);
        if (outcome instanceof JobOutcome.Succeeded) {
            return new Result(in.jobId(), "call", r.status(), null, null, djangoResult(r), null);
        }
        String reason = HttpOutcomes.oneLine(r.body(), HttpOutcomes.MAX_REASON_BODY);
        String message = "hook '" + in.hook() + "': Django answered " + r.status() + " on " + path
                + (reason.isEmpty() ? "" : ": " + reason);
        if (outcome instanceof JobOutcome.DeadLetter permanent && deadLetters.isPresent()) {
            HookDeadLetters.DeadLetter d = new HookDeadLetters.DeadLetter(in.toInput().toString(), permanent.errorClass(),
                    message, in.jobId(), "hook:" + in.hook(), clock.instant());
            deadLetters.get().send(d);
            return new Result(in.jobId(), "call", r.status(), null, null, null, d);
        }
        throw new HookFailedException(r.status(), message, null);
    }

    /** What the hook returned, as Django's answer carries it ({"status": "done", …, "result": …}), or null. */
    private static JsonNode djangoResult(HttpResult r) {
        try {
            JsonNode answer = Json.MAPPER.readTree(r.body());
            return answer != null && answer.has("result") ? answer.get("result") : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Result enqueue(HookInput in) {
        JsonNode a = in.args();
        ArrayNode args = Json.MAPPER.createArrayNode();
        ObjectNode kwargs = Json.MAPPER.createObjectNode();
        String queueName = null;
        if (a.isArray()) {
            args.addAll((ArrayNode) a);
        } else if (a.isObject()) {
            if (a.has("args")) {
                if (!a.get("args").isArray()) {
                    throw new InvalidHookInputException("hook '" + in.hook() + "': args.args must be a list");
                }
                args.addAll((ArrayNode) a.get("args"));
            }
            if (a.has("kwargs")) {
                if (!a.get("kwargs").isObject()) {
                    throw new InvalidHookInputException("hook '" + in.hook() + "': args.kwargs must be an object");
                }
                kwargs.setAll((ObjectNode) a.get("kwargs"));
            }
            if (a.hasNonNull("queue")) {
                queueName = a.get("queue").asText();
            }
        } else if (!a.isNull()) {
            throw new InvalidHookInputException("hook '" + in.hook() + "': args must be a list or {\"args\", \"kwargs\", \"queue\"}");
        }
        String queueUrl = queueUrl(in.hook(), queueName);
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("task", in.hook());
        payload.set("args", args);
        payload.set("kwargs", kwargs);
        JobEnvelope job = JobEnvelope.create("django.task", payload).withId(in.jobId())
                .withMeta(in.executionId() == null ? Map.of("source", "schedule")
                        : Map.of("source", "schedule", "schedule_execution_id", in.executionId()));
        String messageId = queue.send(queueUrl, job.toJson());
        return new Result(in.jobId(), "enqueue", 0, queueUrl, messageId, null, null);
    }

    /** JOBS_QUEUE_URL, or JOBS_QUEUE_URL_<NAME> for a named queue (heavy → JOBS_QUEUE_URL_HEAVY). */
    String queueUrl(String hook, String queueName) {
        if (queueName == null || queueName.isBlank()) {
            return env.get(QUEUE_URL_ENV).orElseThrow(() -> new ConfigException(
                    "hook '" + hook + "' is mode enqueue but " + QUEUE_URL_ENV + " is not set"));
        }
        String var = QUEUE_URL_ENV + "_" + queueName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return env.get(var).orElseThrow(() -> new ConfigException(
                "hook '" + hook + "' asks for queue '" + queueName + "' but " + var + " is not set"));
    }
}
