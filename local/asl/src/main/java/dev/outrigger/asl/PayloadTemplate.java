package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * A payload template (Parameters, ResultSelector, ItemSelector), parsed at load: the parts without {@code "key.$"}
 * stay JSON values and are copied; each {@code "key.$"} holds an {@link Expression} evaluated against the state's
 * {@link Documents}. {@link Assignments} (Assign) is the same shape whose top-level keys name variables.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
sealed interface PayloadTemplate {
    JsonNode evaluate(Documents docs);

    /** A part with no {@code "key.$"} anywhere inside: a copy of it is the value. */
    record Literal(JsonNode value) implements PayloadTemplate {
        @Override
        public JsonNode evaluate(Documents docs) {
            return value.deepCopy();
        }
    }

    record ObjectTemplate(List<Field> fields) implements PayloadTemplate {
        @Override
        public JsonNode evaluate(Documents docs) {
            ObjectNode out = NF.objectNode();
            for (Field f : fields) {
                out.set(f.name(), f.value().evaluate(docs));
            }
            return out;
        }
    }

    record ArrayTemplate(List<PayloadTemplate> items) implements PayloadTemplate {
        @Override
        public JsonNode evaluate(Documents docs) {
            ArrayNode out = NF.arrayNode();
            for (PayloadTemplate item : items) {
                out.add(item.evaluate(docs));
            }
            return out;
        }
    }

    /**
     * The value of a {@code "key.$"}: a path that finds nothing is States.ParameterPathFailure.
     *
     * @param key the key as written ({@code "key.$"}), for messages
     */
    record Dynamic(String key, Expression expression) implements PayloadTemplate {
        @Override
        public JsonNode evaluate(Documents docs) {
            return switch (expression) {
                case Expression.Call c -> Intrinsics.evaluate(c.call(), docs, key);
                case Expression.Read r -> {
                    try {
                        yield r.path().read(docs.input(), docs.context(), docs.variables());
                    } catch (JsonPath.PathNotFoundException e) {
                        String where = r.path().root() == JsonPath.Root.CONTEXT
                                ? "the context object " + docs.context() : "the input " + docs.input();
                        throw new StatesError(Errors.PARAMETER_PATH_FAILURE, "The JSONPath '" + r.path().text()
                                + "' specified for the field '" + key + "' could not be found in " + where);
                    }
                }
            };
        }
    }

    /** One key of an object template, {@code ".$"} removed. */
    record Field(String name, PayloadTemplate value) {
    }

    /** A value computed at run time: a JSONPath read or an intrinsic function call. */
    sealed interface Expression {
        /** The expression as written. */
        String text();

        record Read(JsonPath path) implements Expression {
            @Override
            public String text() {
                return path.text();
            }
        }

        record Call(String text, Intrinsics.Call call) implements Expression {
        }
    }

    /**
     * Assign: every value is computed from what the state sees at entry; the engine commits them to the scope only
     * when the state completes. https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
     */
    record Assignments(List<Field> variables) {
        static final Assignments NONE = new Assignments(List.of());

        Map<String, JsonNode> evaluate(Documents docs) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            for (Field f : variables) {
                out.put(f.name(), f.value().evaluate(docs));
            }
            return out;
        }
    }
}
