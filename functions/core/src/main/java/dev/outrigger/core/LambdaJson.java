package dev.outrigger.core;

import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Iterator;

/**
 * Reads a function's input and writes its output with the one shared {@link Json#MAPPER}, instead of the Lambda
 * runtime's own serializer. The java21 runtime interface client looks for a {@link CustomPojoSerializer} in the
 * function's {@code META-INF/services} and, when it finds one, uses it for the handler's input and output types
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-custom-serialization.html). Its built-in serializer is a
 * shaded copy of Jackson with the event mix-ins: about 570 classes more on every cold start for a function that
 * loads Jackson anyway (bench/README.md, "classes loaded by package").
 *
 * <p>Responses are written the way the runtime writes them: null values (in objects, at any depth) are left out.
 * Input is read strictly (no comments, no single quotes, no duplicate keys): Lambda's event sources and
 * {@code sam remote invoke} send standard JSON.
 *
 * <p>A function lists its serializer in {@code src/main/resources/META-INF/services/
 * com.amazonaws.services.lambda.runtime.CustomPojoSerializer}; the runtime allows exactly one.
 */
public class LambdaJson implements CustomPojoSerializer {
    @Override
    public <T> T fromJson(InputStream input, Type type) {
        try {
            return Json.MAPPER.readValue(input, Json.MAPPER.constructType(type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T fromJson(String input, Type type) {
        try {
            return Json.MAPPER.readValue(input, Json.MAPPER.constructType(type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> void toJson(T value, OutputStream output, Type type) {
        try {
            Json.MAPPER.writeValue(output, withoutNulls(Json.MAPPER.valueToTree(value)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the response: " + e.getMessage(), e);
        }
    }

    /** Drops null members of every object, as the runtime's serializer does (it writes with Include.NON_NULL). */
    static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<JsonNode> values = object.elements(); values.hasNext(); ) {
                JsonNode v = values.next();
                if (v.isNull()) {
                    values.remove();
                } else {
                    withoutNulls(v);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(LambdaJson::withoutNulls);
        }
        return node;
    }
}
