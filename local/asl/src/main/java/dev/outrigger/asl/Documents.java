package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Random;

/**
 * What a path, a payload template or an intrinsic reads while a state runs: the document {@code $} names (the
 * effective input, or the result for ResultSelector), the context object ({@code $$}), the variables in scope
 * ({@code $name}) and the execution's seeded random source.
 */
record Documents(JsonNode input, ObjectNode context, Map<String, JsonNode> variables, Random random)
        implements Intrinsics.Env {

    Documents withInput(JsonNode document) {
        return new Documents(document, context, variables, random);
    }

    Documents withContext(ObjectNode contextObject) {
        return new Documents(input, contextObject, variables, random);
    }
}
