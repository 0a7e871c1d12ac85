package dev.outrigger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates job bodies against {@code events/schema/job-envelope.v1.json}, the one schema the worker, the local
 * runtime and the Django client share. The rules (required fields, bounds, patterns, the {@code $defs} grammars) are
 * read from the file by {@link EnvelopeSchema} once per JVM; the checking is written out as plain Java.
 *
 * <p>Why not a schema library: networknt json-schema-validator cost about 1 s of every cold start (schema
 * compilation, ~300 classes) and 46 µs per job against 8 µs for this class (bench/README.md). The schema file stays
 * the contract: {@code EnvelopeValidatorTest} runs a table of envelopes through this class and through networknt on
 * the real file and requires the same verdict and fields, and fails when the file gains a rule this class does not
 * implement ({@link #implementedRules()}).
 *
 * <p>Patterns are matched with ECMA-262 meaning, as JSON Schema specifies: {@code $} is the end of the string. That is
 * the one place networknt (java.util.regex, whose {@code $} also matches before a final line break) answers
 * differently: {@code "job-1\n"} is not a job id here, nor in the Django client.
 */
public final class EnvelopeValidator {
    /** The jar's copy of the schema file (core's build copies {@code events/schema/} into the jar). */
    public static final String SCHEMA_RESOURCE = "/schema/job-envelope.v1.json";

    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    private static final class Holder {
        static final EnvelopeValidator SHARED = new EnvelopeValidator(EnvelopeSchema.get());
    }

    private final EnvelopeSchema schema;
    /** In the file's order (a JSON array compares in order). */
    private final List<String> required;
    private final Set<String> properties;
    private final JsonNode version;
    private final EnvelopeSchema.NameGrammar id;
    private final EnvelopeSchema.NameGrammar type;
    private final EnvelopeSchema.NameGrammar createdAt;
    private final EnvelopeSchema.IntRange maxAttempts;
    private final EnvelopeSchema.IntRange timeoutS;
    private final int metaMaxProperties;
    private final int metaValueMaxLength;

    EnvelopeValidator(EnvelopeSchema schema) {
        this.schema = schema;
        ObjectNode root = schema.root();
        List<String> names = new ArrayList<>();
        root.path("required").forEach(n -> names.add(n.asText()));
        this.required = List.copyOf(names);
        Set<String> props = new LinkedHashSet<>();
        root.path("properties").fieldNames().forEachRemaining(props::add);
        this.properties = Collections.unmodifiableSet(props);
        this.version = schema.property("version").get("const");
        this.id = schema.stringRules("id", schema.property("id"), "#/properties/id");
        this.type = schema.stringRules("type", schema.property("type"), "#/properties/type");
        this.createdAt = schema.stringRules("created_at", schema.property("created_at"), "#/properties/created_at");
        this.maxAttempts = EnvelopeSchema.range(schema.property("max_attempts"), "#/properties/max_attempts");
        this.timeoutS = EnvelopeSchema.range(schema.property("timeout_s"), "#/properties/timeout_s");
        JsonNode meta = schema.property("meta");
        this.metaMaxProperties = meta.path("maxProperties").asInt();
        this.metaValueMaxLength = meta.path("additionalProperties").path("maxLength").asInt();
    }

    public static EnvelopeValidator shared() {
        return Holder.SHARED;
    }

    /** The required fields, in the schema's order. */
    public List<String> required() {
        return required;
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

    /** The violations of one body, sorted by field then message; empty when the body is a valid envelope. */
    public List<Violation> validate(JsonNode root) {
        List<Violation> out = new ArrayList<>(2);
        if (!root.isObject()) {
            out.add(new Violation("$", type(root) + " found, object expected"));
            return out;
        }
        for (String name : required) {
            if (!root.has(name)) {
                out.add(new Violation(name, "required property '" + name + "' not found"));
            }
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!properties.contains(name)) {
                out.add(new Violation(name, "property '" + name + "' is not defined in the schema and the schema does not allow additional properties"));
            }
        }
        JsonNode v = root.get("version");
        // "const" compares numbers by value, so 1.0 is 1 too.
        if (v != null && !(v.isNumber() && v.decimalValue().compareTo(version.decimalValue()) == 0)) {
            out.add(new Violation("version", "must be the constant value '" + version.asText() + "'"));
        }
        string(root, id, out);
        string(root, type, out);
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isObject()) {
            out.add(new Violation("payload", type(payload) + " found, object expected"));
        }
        string(root, createdAt, out);
        integer(root, "max_attempts", maxAttempts, out);
        integer(root, "timeout_s", timeoutS, out);
        JsonNode meta = root.get("meta");
        if (meta != null) {
            if (!meta.isObject()) {
                out.add(new Violation("meta", type(meta) + " found, object expected"));
            } else {
                if (meta.size() > metaMaxProperties) {
                    out.add(new Violation("meta", "must have at most " + metaMaxProperties + " properties"));
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = meta.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode value = field.getValue();
                    String path = "meta." + field.getKey();
                    if (!value.isTextual()) {
                        out.add(new Violation(path, type(value) + " found, string expected"));
                    } else if (codePoints(value.textValue()) > metaValueMaxLength) {
                        out.add(new Violation(path, "must be at most " + metaValueMaxLength + " characters long"));
                    }
                }
            }
        }
        if (out.size() > 1) {
            out.sort(Comparator.comparing(Violation::field).thenComparing(Violation::message));
        }
        return out;
    }

    /**
     * The rules this class enforces, spelled as JSON Schema with the values it read: the schema file minus its
     * annotations ({@code $id}, {@code title}, {@code description}) must equal this, or the file has changed in a way
     * this class (or {@link EnvelopeSchema}) does not know.
     */
    ObjectNode implementedRules() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("$schema", DRAFT);
        out.put("type", "object");
        required.forEach(out.putArray("required")::add);
        out.put("additionalProperties", false);
        ObjectNode props = out.putObject("properties");
        props.putObject("version").set("const", version);
        props.putObject("id").put("$ref", "#/$defs/" + schema.jobId().name());
        props.putObject("type").put("$ref", "#/$defs/" + schema.jobType().name());
        props.putObject("payload").put("type", "object");
        props.putObject("created_at").put("type", "string").put("pattern", createdAt.source());
        props.putObject("max_attempts").put("type", "integer").put("minimum", maxAttempts.min()).put("maximum", maxAttempts.max());
        props.putObject("timeout_s").put("type", "integer").put("minimum", timeoutS.min()).put("maximum", timeoutS.max());
        ObjectNode meta = props.putObject("meta").put("type", "object").put("maxProperties", metaMaxProperties);
        meta.putObject("additionalProperties").put("type", "string").put("maxLength", metaValueMaxLength);
        ObjectNode defs = out.putObject("$defs");
        for (EnvelopeSchema.NameGrammar g : List.of(schema.jobId(), schema.jobType(), schema.taskName())) {
            defs.putObject(g.name()).put("type", "string").put("minLength", g.minLength()).put("maxLength", g.maxLength())
                    .put("pattern", g.source());
        }
        defs.putObject(schema.hookName().name()).put("$ref", "#/$defs/" + schema.taskName().name())
                .put("maxLength", schema.hookName().maxLength());
        defs.putObject("messageBytes").put("type", "integer").put("minimum", schema.messageBytes().min())
                .put("maximum", schema.messageBytes().max());
        return out;
    }

    private static void string(JsonNode root, EnvelopeSchema.NameGrammar rules, List<Violation> out) {
        String name = rules.name();
        JsonNode node = root.get(name);
        if (node == null) {
            return;
        }
        if (!node.isTextual()) {
            out.add(new Violation(name, type(node) + " found, string expected"));
            return;
        }
        String text = node.textValue();
        // JSON Schema counts characters as code points: an emoji is one.
        int length = codePoints(text);
        if (length < rules.minLength()) {
            out.add(new Violation(name, "must be at least " + rules.minLength() + " characters long"));
        }
        if (length > rules.maxLength()) {
            out.add(new Violation(name, "must be at most " + rules.maxLength() + " characters long"));
        }
        if (rules.pattern() != null && !rules.pattern().matcher(text).find()) {
            out.add(new Violation(name, "does not match the regex pattern " + rules.source()));
        }
    }

    private static void integer(JsonNode root, String name, EnvelopeSchema.IntRange range, List<Violation> out) {
        long min = range.min();
        long max = range.max();
        JsonNode node = root.get(name);
        if (node == null) {
            return;
        }
        // JSON Schema 2020-12: an integer is any number with a zero fractional part (1.0 counts).
        boolean integral = node.isIntegralNumber()
                || (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0);
        if (!integral) {
            out.add(new Violation(name, type(node) + " found, integer expected"));
            return;
        }
        BigDecimal value = node.decimalValue();
        if (value.compareTo(BigDecimal.valueOf(min)) < 0) {
            out.add(new Violation(name, "must have a minimum value of " + min));
        }
        if (value.compareTo(BigDecimal.valueOf(max)) > 0) {
            out.add(new Violation(name, "must have a maximum value of " + max));
        }
    }

    private static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String type(JsonNode node) {
        if (node.isIntegralNumber()) {
            return "integer";
        }
        if (node.isNumber()) {
            return "number";
        }
        return switch (node.getNodeType()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Refuses a body larger than the queue accepts, before anyone tries to send it. {@code maxBytes} is the queue's
     * MaximumMessageSize, at most {@link EnvelopeSchema#messageBytes()}' maximum.
     */
    public static void checkSize(String body, int maxBytes) throws InvalidEnvelopeException {
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw new InvalidEnvelopeException("body", "is " + size + " bytes; the queue accepts at most " + maxBytes);
        }
    }
}
