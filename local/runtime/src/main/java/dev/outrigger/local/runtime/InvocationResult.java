package dev.outrigger.local.runtime;

import java.time.Duration;

/**
 * What one invocation produced.
 *
 * @param responseJson the handler's return value serialized as Lambda would (null for void or on error)
 * @param error        what the handler threw, or null
 * @param timedOut     the function's Timeout passed before the handler returned
 */
public record InvocationResult(String requestId, String responseJson, Throwable error, boolean timedOut, Duration duration) {
    public boolean ok() {
        return error == null && !timedOut;
    }

    /** Lambda's error shape: {"errorMessage": …, "errorType": …}. */
    public String errorJson() {
        if (timedOut) {
            return "{\"errorMessage\":\"Task timed out after " + duration.toMillis() / 1000.0 + " seconds\",\"errorType\":\"Timeout\"}";
        }
        if (error == null) {
            return null;
        }
        var node = dev.outrigger.core.Json.MAPPER.createObjectNode();
        node.put("errorMessage", String.valueOf(error.getMessage()));
        node.put("errorType", error.getClass().getName());
        return node.toString();
    }
}
