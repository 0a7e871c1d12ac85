package dev.outrigger.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Test helpers: JSON literals and one-call executions. */
final class Asl {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final TaskInvoker NO_TASKS = r -> {
        throw new AssertionError("unexpected task call " + r);
    };

    private Asl() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static AslDefinition def(String text) {
        return AslDefinition.parse(text, "test.asl.json");
    }

    static ExecutionResult run(String definition, String input) {
        return run(definition, input, NO_TASKS);
    }

    static ExecutionResult run(String definition, String input, TaskInvoker invoker) {
        return new AslEngine(invoker, ExecutionOptions.defaults("test")).execute(def(definition), json(input));
    }

    /** A one-state Pass machine with the given Parameters, run on input; returns the output. */
    static JsonNode params(String parameters, String input) {
        ExecutionResult r = run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Parameters\":" + parameters
                + ",\"End\":true}}}", input);
        if (r.status() != ExecutionStatus.SUCCEEDED) {
            throw new AssertionError(r.error() + ": " + r.cause());
        }
        return r.output();
    }

    static boolean same(JsonNode a, JsonNode b) {
        return Intrinsics.jsonEquals(a, b);
    }
}
