package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * How an execution ended: output on success, error and cause on failure or timeout, and the state-by-state history.
 */
public record ExecutionResult(ExecutionStatus status, JsonNode output, String error, String cause,
                              List<HistoryEvent> history) {
    /** Step Functions' timestamp format: ISO 8601 UTC with milliseconds. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public ExecutionResult {
        history = List.copyOf(history);
    }

    /** The CLI's result object: {"status","output","error","cause"} plus "history" when asked. */
    public ObjectNode toJson(boolean withHistory) {
        ObjectNode o = NF.objectNode();
        o.put("status", status.name());
        o.set("output", output == null ? NF.nullNode() : output);
        o.put("error", error);
        o.put("cause", cause);
        if (withHistory) {
            ArrayNode h = o.putArray("history");
            history.forEach(e -> h.add(e.toJson()));
        }
        return o;
    }
}
