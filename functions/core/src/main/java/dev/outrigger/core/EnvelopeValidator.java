package dev.outrigger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates job bodies against {@code events/schema/job-envelope.v1.json}, the one schema the worker, the local
 * runtime and the Django client share, written out as plain Java.
 *
 * <p>Why not a schema library: networknt json-schema-validator cost about 1 s of every cold start (schema
 * compilation, ~300 classes) and 46 µs per job against 8 µs for this class (bench/README.md). The schema file stays
 * the contract: {@code EnvelopeValidatorTest} runs a table of envelopes through this class and through networknt on
 * the real file and requires the same verdict and fields, and fails when the file gains a rule this class does not
 * implement ({@link #implementedRules()}).
 *
 * <p>Patterns are matched with {@link java.util.regex.Matcher#find()}, as JSON Schema (and networknt's JDK regex
 * engine) does, so the two agree even on quirks: Java's {@code $} also matches before a final line break.
 */
public final class EnvelopeValidator {
    /** The jar's copy of the schema file (core's build copies {@code events/schema/} into the jar). */
    public static final String SCHEMA_RESOURCE = "/schema/job-envelope.v1.json";

    /** SQS's largest message since 2025 (1 MiB); stacks created earlier default to 256 KiB. */
    public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

    private static final EnvelopeValidator SHARED = new EnvelopeValidator();

    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
    /** In the file's order (a JSON array compares in order). */
    static final List<String> REQUIRED = List.of("version", "id", "type", "payload", "created_at");
    static final Set<String> PROPERTIES = Set.of("version", "id", "type", "payload", "created_at", "max_attempts", "timeout_s", "meta");
    static final int VERSION = 1;
    static final int ID_MIN = 1;
    static final int ID_MAX = 128;
    static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:@/+=-]+$");
    static final int TYPE_MIN = 1;
    static final int TYPE_MAX = 64;
    static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*$");
    static final Pattern CREATED_AT =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$");
    static final int MAX_ATTEMPTS_MIN = 1;
    static final int MAX_ATTEMPTS_MAX = 100;
    static final int TIMEOUT_S_MIN = 1;
    static final int TIMEOUT_S_MAX = 900;
    static final int META_MAX_PROPERTIES = 32;
    static final int META_VALUE_MAX_LENGTH = 1024;

    private EnvelopeValidator() {
    }

    public static EnvelopeValidator shared() {
        return SHARED;
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
        for (String name : REQUIRED) {
            if (!root.has(name)) {
                out.add(new Violation(name, "required property '" + name + "' not found"));
            }
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PROPERTIES.contains(name)) {
                out.add(new Violation(name, "property '" + name + "' is not defined in the schema and the schema does not allow additional properties"));
            }
        }
        JsonNode version = root.get("version");
        // "const": 1 compares numbers by value, so 1.0 is 1 too.
        if (version != null && !(version.isNumber() && version.decimalValue().compareTo(BigDecimal.valueOf(VERSION)) == 0)) {
            out.add(new Violation("version", "must be the constant value '" + VERSION + "'"));
        }
        string(root, "id", ID_MIN, ID_MAX, ID, out);
        string(root, "type", TYPE_MIN, TYPE_MAX, TYPE, out);
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isObject()) {
            out.add(new Violation("payload", type(payload) + " found, object expected"));
        }
        string(root, "created_at", -1, -1, CREATED_AT, out);
        integer(root, "max_attempts", MAX_ATTEMPTS_MIN, MAX_ATTEMPTS_MAX, out);
        integer(root, "timeout_s", TIMEOUT_S_MIN, TIMEOUT_S_MAX, out);
        JsonNode meta = root.get("meta");
        if (meta != null) {
            if (!meta.isObject()) {
                out.add(new Violation("meta", type(meta) + " found, object expected"));
            } else {
                if (meta.size() > META_MAX_PROPERTIES) {
                    out.add(new Violation("meta", "must have at most " + META_MAX_PROPERTIES + " properties"));
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = meta.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode value = field.getValue();
                    String path = "meta." + field.getKey();
                    if (!value.isTextual()) {
                        out.add(new Violation(path, type(value) + " found, string expected"));
                    } else if (codePoints(value.textValue()) > META_VALUE_MAX_LENGTH) {
                        out.add(new Violation(path, "must be at most " + META_VALUE_MAX_LENGTH + " characters long"));
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
     * The rules this class enforces, spelled as JSON Schema: the schema file minus its annotations ({@code $id},
     * {@code title}, {@code description}) must equal this, or the file has changed in a way this class does not know.
     */
    static ObjectNode implementedRules() {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        schema.put("$schema", DRAFT);
        schema.put("type", "object");
        REQUIRED.forEach(schema.putArray("required")::add);
        schema.put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("version").put("const", VERSION);
        properties.putObject("id").put("type", "string").put("minLength", ID_MIN).put("maxLength", ID_MAX).put("pattern", ID.pattern());
        properties.putObject("type").put("type", "string").put("minLength", TYPE_MIN).put("maxLength", TYPE_MAX).put("pattern", TYPE.pattern());
        properties.putObject("payload").put("type", "object");
        properties.putObject("created_at").put("type", "string").put("pattern", CREATED_AT.pattern());
        properties.putObject("max_attempts").put("type", "integer").put("minimum", MAX_ATTEMPTS_MIN).put("maximum", MAX_ATTEMPTS_MAX);
        properties.putObject("timeout_s").put("type", "integer").put("minimum", TIMEOUT_S_MIN).put("maximum", TIMEOUT_S_MAX);
        ObjectNode meta = properties.putObject("meta").put("type", "object").put("maxProperties", META_MAX_PROPERTIES);
        meta.putObject("additionalProperties").put("type", "string").put("maxLength", META_VALUE_MAX_LENGTH);
        return schema;
    }

    private static void string(JsonNode root, String name, int min, int max, Pattern pattern, List<Violation> out) {
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
        if (min >= 0 && length < min) {
            out.add(new Violation(name, "must be at least " + min + " characters long"));
        }
        if (max >= 0 && length > max) {
            out.add(new Violation(name, "must be at most " + max + " characters long"));
        }
        if (!pattern.matcher(text).find()) {
            out.add(new Violation(name, "does not match the regex pattern " + pattern.pattern()));
        }
    }

    private static void integer(JsonNode root, String name, long min, long max, List<Violation> out) {
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

    /** Refuses a body larger than the queue accepts, before anyone tries to send it. */
    public static void checkSize(String body, int maxBytes) throws InvalidEnvelopeException {
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw new InvalidEnvelopeException("body", "is " + size + " bytes; the queue accepts at most " + maxBytes);
        }
    }
}
