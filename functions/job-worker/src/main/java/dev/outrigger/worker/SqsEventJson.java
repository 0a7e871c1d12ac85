package dev.outrigger.worker;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.core.LambdaJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job worker's event serializer (listed in META-INF/services, see {@link LambdaJson}): reads the SQS event and
 * writes the partial batch response with the worker's own Jackson, field by field, as the runtime's serializer maps
 * them (its SQSEvent mix-ins: {@code Records}, {@code eventSourceARN}; binary attributes in base64; nulls left out of
 * the response). {@code SqsEventJsonTest} proves both give equal objects and equal JSON on the sample events.
 * Without it the runtime loads its shaded Jackson, the event mix-ins and Joda-Time for every cold start: about 800
 * classes the worker never otherwise uses.
 */
public final class SqsEventJson extends LambdaJson {
    @Override
    public <T> T fromJson(InputStream input, Type type) {
        if (type != SQSEvent.class) {
            return super.fromJson(input, type);
        }
        try {
            return cast(event(Json.MAPPER.readTree(input)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SQS event: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T fromJson(String input, Type type) {
        if (type != SQSEvent.class) {
            return super.fromJson(input, type);
        }
        try {
            return cast(event(Json.MAPPER.readTree(input)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SQS event: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> void toJson(T value, OutputStream output, Type type) {
        if (!(value instanceof SQSBatchResponse response)) {
            super.toJson(value, output, type);
            return;
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (response.getBatchItemFailures() != null) {
            ArrayNode failures = root.putArray("batchItemFailures");
            for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                ObjectNode item = failures.addObject();
                if (f.getItemIdentifier() != null) {
                    item.put("itemIdentifier", f.getItemIdentifier());
                }
            }
        }
        try {
            Json.MAPPER.writeValue(output, root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the batch response: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    static SQSEvent event(JsonNode root) {
        SQSEvent event = new SQSEvent();
        JsonNode records = root.get("Records");
        if (records != null && !records.isNull()) {
            List<SQSEvent.SQSMessage> messages = new ArrayList<>();
            for (JsonNode r : array(records, "Records")) {
                messages.add(message(r));
            }
            event.setRecords(messages);
        }
        return event;
    }

    private static SQSEvent.SQSMessage message(JsonNode r) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(field(r, "messageId"));
        m.setReceiptHandle(field(r, "receiptHandle"));
        m.setBody(field(r, "body"));
        m.setMd5OfBody(field(r, "md5OfBody"));
        m.setMd5OfMessageAttributes(field(r, "md5OfMessageAttributes"));
        m.setEventSourceArn(field(r, "eventSourceARN"));
        m.setEventSource(field(r, "eventSource"));
        m.setAwsRegion(field(r, "awsRegion"));
        JsonNode attributes = r.get("attributes");
        if (attributes != null && !attributes.isNull()) {
            Map<String, String> map = new LinkedHashMap<>();
            object(attributes, "attributes").properties().forEach(e -> map.put(e.getKey(), text(e.getValue(), "attributes." + e.getKey())));
            m.setAttributes(map);
        }
        JsonNode messageAttributes = r.get("messageAttributes");
        if (messageAttributes != null && !messageAttributes.isNull()) {
            Map<String, SQSEvent.MessageAttribute> map = new LinkedHashMap<>();
            object(messageAttributes, "messageAttributes").properties().forEach(e -> map.put(e.getKey(), attribute(e.getValue(), e.getKey())));
            m.setMessageAttributes(map);
        }
        return m;
    }

    private static SQSEvent.MessageAttribute attribute(JsonNode a, String name) {
        if (a.isNull()) {
            return null;
        }
        object(a, "messageAttributes." + name);
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setStringValue(field(a, "stringValue"));
        attribute.setBinaryValue(bytes(a.get("binaryValue"), name + ".binaryValue"));
        attribute.setDataType(field(a, "dataType"));
        JsonNode strings = a.get("stringListValues");
        if (strings != null && !strings.isNull()) {
            List<String> list = new ArrayList<>();
            array(strings, name + ".stringListValues").forEach(s -> list.add(text(s, name + ".stringListValues")));
            attribute.setStringListValues(list);
        }
        JsonNode binaries = a.get("binaryListValues");
        if (binaries != null && !binaries.isNull()) {
            List<ByteBuffer> list = new ArrayList<>();
            array(binaries, name + ".binaryListValues").forEach(b -> list.add(bytes(b, name + ".binaryListValues")));
            attribute.setBinaryListValues(list);
        }
        return attribute;
    }

    private static String field(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null ? null : text(v, field);
    }

    /** A string, or a number or boolean as its text (as Jackson coerces them); null stays null; anything else fails. */
    private static String text(JsonNode v, String where) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new IllegalArgumentException("SQS event: " + where + " must be a string, got " + v.getNodeType());
        }
        return v.asText();
    }

    private static ByteBuffer bytes(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("SQS event: " + where + " must be base64 text, got " + v.getNodeType());
        }
        return ByteBuffer.wrap(Base64.getMimeDecoder().decode(v.asText()));
    }

    private static ArrayNode array(JsonNode v, String where) {
        if (!(v instanceof ArrayNode a)) {
            throw new IllegalArgumentException("SQS event: " + where + " must be a list, got " + v.getNodeType());
        }
        return a;
    }

    private static ObjectNode object(JsonNode v, String where) {
        if (!(v instanceof ObjectNode o)) {
            throw new IllegalArgumentException("SQS event: " + where + " must be an object, got " + v.getNodeType());
        }
        return o;
    }
}
