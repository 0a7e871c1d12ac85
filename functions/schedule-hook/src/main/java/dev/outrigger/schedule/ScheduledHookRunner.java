package dev.outrigger.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.ConfigException;
import dev.outrigger.core.DjangoRoute;
import dev.outrigger.core.Env;
import dev.outrigger.core.HttpResult;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.core.SignedDjangoClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one scheduled hook.
 * <ul>
 *   <li>{@code call}: a signed POST to Django's {@code hooks/<name>} with body
 *       {"hook","id","scheduled_time","execution_id","args"} and job id {@code hook:<name>:<scheduled time>}. 2xx and
 *       409 (already done) succeed; anything else, or no answer, throws {@link HookFailedException}.</li>
 *   <li>{@code enqueue}: a {@code django.task} job with the same id and payload {"task","args","kwargs"} on
 *       JOBS_QUEUE_URL, or on JOBS_QUEUE_URL_&lt;QUEUE&gt; when args name a queue; the job worker's retries and DLQ
 *       then apply.</li>
 * </ul>
 * Because the id derives from the scheduled time, a double fire (or a Scheduler retry) reaches Django with the same
 * id and Django drops the duplicate.
 */
public final class ScheduledHookRunner {
    public static final String QUEUE_URL_ENV = "JOBS_QUEUE_URL";

    /** What happened: for call the HTTP status, for enqueue the queue and message id. */
    public record Result(String jobId, String mode, int status, String queueUrl, String messageId) {
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
            return m;
        }
    }

    private final SignedDjangoClient django;
    private final JobQueue queue;
    private final Env env;
    private final Duration timeout;

    public ScheduledHookRunner(SignedDjangoClient django, JobQueue queue, Env env, Duration timeout) {
        this.django = django;
        this.queue = queue;
        this.env = env;
        this.timeout = timeout;
    }

    public Result run(HookInput in) {
        return in.mode() == HookInput.Mode.CALL ? call(in) : enqueue(in);
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
        if (r.status() / 100 == 2 || r.status() == 409) {
            return new Result(in.jobId(), "call", r.status(), null, null);
        }
        String reason = r.body() == null ? "" : r.body().strip().replaceAll("\\s+", " ");
        throw new HookFailedException(r.status(), "hook '" + in.hook() + "': Django answered " + r.status() + " on " + path
                + (reason.isEmpty() ? "" : ": " + (reason.length() > 200 ? reason.substring(0, 200) + "…" : reason)), null);
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
        return new Result(in.jobId(), "enqueue", 0, queueUrl, messageId);
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
