package dev.outrigger.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.EnvelopeSchema;
import dev.outrigger.core.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The Input a schedule gives the hook function:
 * {@code {"hook": "clearsessions", "mode": "call"|"enqueue", "scheduled_time": "<aws.scheduler.scheduled-time>",
 * "execution_id": "<aws.scheduler.execution-id>", "args": …}}; Scheduler replaces the placeholders.
 */
public record HookInput(String hook, Mode mode, Instant scheduledTime, String executionId, JsonNode args) {
    /**
     * The schema's $defs/hookName, the grammar Django's @outrigger_hook registers names by. Names go into a URL path
     * ({@code hooks/<name>}), a job id and, in enqueue mode, a task name; the grammar is safe for all three.
     */
    static final EnvelopeSchema.NameGrammar NAME = EnvelopeSchema.get().hookName();

    public enum Mode { CALL, ENQUEUE }

    /** The idempotency key: the same hook at the same scheduled time is the same job, however often it fires. */
    public String jobId() {
        return "hook:" + hook + ":" + scheduledTime;
    }

    /** The input as the schedule gave it (placeholders filled in): what a parked firing carries as its body. */
    public ObjectNode toInput() {
        ObjectNode out = Json.MAPPER.createObjectNode().put("hook", hook).put("mode", mode.name().toLowerCase(Locale.ROOT))
                .put("scheduled_time", scheduledTime.toString()).put("execution_id", executionId);
        out.set("args", args);
        return out;
    }

    public static HookInput parse(Map<String, Object> in) {
        if (in == null) {
            throw new InvalidHookInputException("input is empty; expected {\"hook\", \"mode\", \"scheduled_time\", \"execution_id\", \"args\"}");
        }
        Object hook = in.get("hook");
        if (!(hook instanceof String h) || h.isBlank()) {
            throw new InvalidHookInputException("input has no \"hook\" name: " + keys(in));
        }
        if (!NAME.accepts(h)) {
            throw new InvalidHookInputException("hook name '" + shorten(h) + "' is not a hook name (" + NAME.describe() + ")");
        }
        Object m = in.getOrDefault("mode", "call");
        Mode mode = switch (String.valueOf(m)) {
            case "call" -> Mode.CALL;
            case "enqueue" -> Mode.ENQUEUE;
            default -> throw new InvalidHookInputException("hook '" + h + "': mode '" + shorten(String.valueOf(m)) + "' is not \"call\" or \"enqueue\"");
        };
        Object st = in.get("scheduled_time");
        if (!(st instanceof String s) || s.isBlank()) {
            throw new InvalidHookInputException("hook '" + h + "': no \"scheduled_time\" (the schedule's Input should pass <aws.scheduler.scheduled-time>)");
        }
        Instant scheduled;
        try {
            scheduled = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidHookInputException("hook '" + h + "': scheduled_time '" + shorten(s) + "' is not an RFC 3339 time");
        }
        Object ex = in.get("execution_id");
        JsonNode args = in.get("args") == null ? NullNode.getInstance() : Json.MAPPER.valueToTree(in.get("args"));
        HookInput input = new HookInput(h, mode, scheduled, ex == null ? null : String.valueOf(ex), args);
        if (!EnvelopeSchema.get().jobId().accepts(input.jobId())) {
            // Only a scheduled time with a long fraction can do this: Scheduler's are whole seconds.
            throw new InvalidHookInputException("hook '" + h + "': the job id " + shorten(input.jobId()) + " is not a job id ("
                    + EnvelopeSchema.get().jobId().describe() + ")");
        }
        return input;
    }

    private static String keys(Map<String, Object> in) {
        return "keys " + in.keySet();
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
