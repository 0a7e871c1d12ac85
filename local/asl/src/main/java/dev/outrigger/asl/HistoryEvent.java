package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * One visit of one state, in the order states were entered.
 *
 * @param stateName the state
 * @param stateType Pass, Task, Choice, …
 * @param scope     "" at the top level, else where the state ran, e.g. "Fanout/Branches[1]" or "Each/Item[3]"
 * @param entered   virtual time the state was entered
 * @param exited    virtual time it was left (after its Wait, retries and backoff)
 * @param input     the raw state input
 * @param output    the state output, or null when it failed
 * @param error     the error it failed with (or that a Catch caught), else null
 * @param cause     the cause of that error, else null
 * @param next      the state it went to, or null at the end
 * @param retries   the retries it made, in order
 */
public record HistoryEvent(String stateName, String stateType, String scope, Instant entered, Instant exited,
                           JsonNode input, JsonNode output, String error, String cause, String next,
                           List<Retry> retries) {

    /** One retry: the error that triggered it, the backoff waited, and when the next attempt started. */
    public record Retry(int attempt, String error, String cause, Duration delay, Instant retriedAt) {
    }

    public ObjectNode toJson() {
        ObjectNode o = NF.objectNode();
        o.put("state", stateName);
        o.put("type", stateType);
        if (!scope.isEmpty()) {
            o.put("scope", scope);
        }
        o.put("entered", ExecutionResult.TIME.format(entered));
        o.put("exited", exited == null ? null : ExecutionResult.TIME.format(exited));
        o.set("input", input);
        if (output != null) {
            o.set("output", output);
        }
        if (error != null) {
            o.put("error", error);
            o.put("cause", cause);
        }
        if (next != null) {
            o.put("next", next);
        }
        if (!retries.isEmpty()) {
            var arr = o.putArray("retries");
            for (Retry r : retries) {
                ObjectNode ro = arr.addObject();
                ro.put("attempt", r.attempt());
                ro.put("error", r.error());
                ro.put("cause", r.cause());
                ro.put("delaySeconds", r.delay().toMillis() / 1000.0);
                ro.put("retriedAt", ExecutionResult.TIME.format(r.retriedAt()));
            }
        }
        return o;
    }
}
