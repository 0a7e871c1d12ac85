package dev.outrigger.core;

import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            return read(Json.MAPPER.readTree(input), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T fromJson(String input, Type type) {
        try {
            return read(Json.MAPPER.readTree(input), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> void toJson(T value, OutputStream output, Type type) {
        try {
            Json.MAPPER.writeValue(output, withoutNulls(tree(value)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the response: " + e.getMessage(), e);
        }
    }

    /**
     * The tree as the type. The functions' {@code Map<String, Object>} is built from the tree directly, as Jackson's
     * untyped deserializer builds it (objects as LinkedHashMap, arrays as ArrayList, whole numbers as Integer, Long
     * or BigInteger by size, others as Double): the same values without loading the map deserializers on every cold
     * start. Any other type goes through the mapper.
     */
    @SuppressWarnings("unchecked")
    private static <T> T read(JsonNode tree, Type type) throws IOException {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : type instanceof Class<?> c ? c : null;
        if ((raw == Map.class && (type instanceof Class || isStringObject((ParameterizedType) type))) || raw == Object.class) {
            if (raw == Map.class && !tree.isObject() && !tree.isNull()) {
                throw new IOException("expected a JSON object, got " + tree.getNodeType());
            }
            return (T) untyped(tree);
        }
        return Json.MAPPER.treeToValue(tree, Json.MAPPER.constructType(type));
    }

    private static boolean isStringObject(ParameterizedType map) {
        Type[] args = map.getActualTypeArguments();
        return args.length == 2 && args[0] == String.class && args[1] == Object.class;
    }

    private static Object untyped(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), untyped(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(item -> list.add(untyped(item)));
            return list;
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }

    /** The response as a tree: maps, lists and plain values directly, anything else through the mapper. */
    private static JsonNode tree(Object value) {
        JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), tree(v)));
            return object;
        }
        if (value instanceof Collection<?> collection) {
            ArrayNode array = nodes.arrayNode();
            collection.forEach(item -> array.add(tree(item)));
            return array;
        }
        if (value instanceof String text) {
            return nodes.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return nodes.numberNode(((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return nodes.numberNode(d);
        }
        if (value instanceof Float f) {
            return nodes.numberNode(f);
        }
        if (value instanceof BigInteger big) {
            return nodes.numberNode(big);
        }
        if (value instanceof BigDecimal exact) {
            return DecimalNode.valueOf(exact); // as written, trailing zeros kept, as the runtime writes it
        }
        return Json.MAPPER.valueToTree(value);
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
