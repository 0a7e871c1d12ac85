package dev.outrigger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Validates job bodies against {@code events/schema/job-envelope.v1.json}, the one schema the worker, the local
 * runtime and the Django client share. The jar carries a copy of that file at {@code schema/job-envelope.v1.json}.
 */
public final class EnvelopeValidator {
    public static final String SCHEMA_RESOURCE = "/schema/job-envelope.v1.json";

    /** SQS's largest message since 2025 (1 MiB); stacks created earlier default to 256 KiB. */
    public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

    private static volatile EnvelopeValidator shared;

    private final JsonSchema schema;

    private EnvelopeValidator(JsonSchema schema) {
        this.schema = schema;
    }

    public static EnvelopeValidator shared() {
        EnvelopeValidator local = shared;
        if (local == null) {
            synchronized (EnvelopeValidator.class) {
                local = shared;
                if (local == null) {
                    local = shared = load();
                }
            }
        }
        return local;
    }

    private static EnvelopeValidator load() {
        try (InputStream in = EnvelopeValidator.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + SCHEMA_RESOURCE + " is missing from the build");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new EnvelopeValidator(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One problem with a body: the field (a JSON pointer-like path, "$" for the whole body) and why. */
    public record Violation(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    public List<Violation> validate(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of(new Violation("$", "not valid JSON (" + e.getOriginalMessage() + ")"));
        }
        if (node == null || node.isMissingNode()) {
            return List.of(new Violation("$", "empty body"));
        }
        return validate(node);
    }

    public List<Violation> validate(JsonNode node) {
        Set<ValidationMessage> messages = schema.validate(node);
        return messages.stream()
                .map(EnvelopeValidator::toViolation)
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .toList();
    }

    private static Violation toViolation(ValidationMessage message) {
        String location = message.getInstanceLocation().toString();
        String field = location.startsWith("$.") ? location.substring(2) : location;
        if ("required".equals(message.getType()) || "additionalProperties".equals(message.getType())) {
            // networknt reports these at the parent; name the property itself.
            String property = message.getProperty();
            if (property != null) {
                field = "$".equals(field) ? property : field + "." + property;
            }
        }
        return new Violation(field, message.getMessage().replaceFirst("^\\$[^:]*: ", ""));
    }

    /** Refuses a body larger than the queue accepts, before anyone tries to send it. */
    public static void checkSize(String body, int maxBytes) throws InvalidEnvelopeException {
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw new InvalidEnvelopeException("body", "is " + size + " bytes; the queue accepts at most " + maxBytes);
        }
    }
}
