package dev.outrigger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A job, as Django publishes it: the SQS message body, version 1 (DESIGN.md, "Job envelope").
 *
 * @param maxAttempts null when the job leaves it to the queue's maxReceiveCount
 * @param timeoutS    null when the job takes the worker's default per-try timeout
 */
public record JobEnvelope(
        int version,
        String id,
        String type,
        ObjectNode payload,
        Instant createdAt,
        Integer maxAttempts,
        Integer timeoutS,
        Map<String, String> meta) {

    public static final int VERSION = 1;

    public JobEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(createdAt, "createdAt");
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    /** A new job with a random id, created now. */
    public static JobEnvelope create(String type, ObjectNode payload) {
        return new JobEnvelope(VERSION, UUID.randomUUID().toString(), type, payload,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null, null, Map.of());
    }

    /** Parses and schema-validates a message body; the exception names the first offending field. */
    public static JobEnvelope parse(String body) throws InvalidEnvelopeException {
        if (body == null || body.isBlank()) {
            throw new InvalidEnvelopeException("$", "empty body");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException("$", "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        List<EnvelopeValidator.Violation> violations = EnvelopeValidator.shared().validate(node);
        if (!violations.isEmpty()) {
            EnvelopeValidator.Violation first = violations.get(0);
            String more = violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "";
            throw new InvalidEnvelopeException(first.field(), first.message() + more);
        }
        Instant createdAt;
        try {
            createdAt = OffsetDateTime.parse(node.get("created_at").asText().toUpperCase()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEnvelopeException("created_at", "not an RFC 3339 instant: " + e.getMessage());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode metaNode = node.get("meta");
        if (metaNode != null) {
            metaNode.fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        }
        return new JobEnvelope(
                node.get("version").asInt(),
                node.get("id").asText(),
                node.get("type").asText(),
                (ObjectNode) node.get("payload"),
                createdAt,
                node.hasNonNull("max_attempts") ? node.get("max_attempts").asInt() : null,
                node.hasNonNull("timeout_s") ? node.get("timeout_s").asInt() : null,
                meta);
    }

    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("version", version);
        node.put("id", id);
        node.put("type", type);
        node.set("payload", payload);
        node.put("created_at", createdAt.toString());
        if (maxAttempts != null) {
            node.put("max_attempts", maxAttempts);
        }
        if (timeoutS != null) {
            node.put("timeout_s", timeoutS);
        }
        if (!meta.isEmpty()) {
            ObjectNode metaNode = node.putObject("meta");
            meta.forEach(metaNode::put);
        }
        return Json.write(node);
    }

    public JobEnvelope withId(String newId) {
        return new JobEnvelope(version, newId, type, payload, createdAt, maxAttempts, timeoutS, meta);
    }

    public JobEnvelope withMaxAttempts(Integer newMaxAttempts) {
        return new JobEnvelope(version, id, type, payload, createdAt, newMaxAttempts, timeoutS, meta);
    }

    public JobEnvelope withTimeoutS(Integer newTimeoutS) {
        return new JobEnvelope(version, id, type, payload, createdAt, maxAttempts, newTimeoutS, meta);
    }

    public JobEnvelope withMeta(Map<String, String> newMeta) {
        return new JobEnvelope(version, id, type, payload, createdAt, maxAttempts, timeoutS, newMeta);
    }
}
