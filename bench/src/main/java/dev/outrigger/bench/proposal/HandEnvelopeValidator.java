package dev.outrigger.bench.proposal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.EnvelopeValidator.Violation;
import dev.outrigger.core.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A proposal, measured in bench/README.md: {@code events/schema/job-envelope.v1.json} written out as plain Java, to
 * take networknt json-schema-validator (its schema compilation and ~300 classes) off the cold path.
 * {@code HandEnvelopeValidatorTest} checks it against networknt on the same schema file with a table of envelopes:
 * same verdict, same fields. Patterns are matched with {@link java.util.regex.Matcher#find()}, as networknt's JDK
 * regex engine does, so the two agree even on quirks (Java's {@code $} also matches before a final line break).
 */
public final class HandEnvelopeValidator {
    private static final HandEnvelopeValidator SHARED = new HandEnvelopeValidator();

    static final Set<String> REQUIRED = Set.of("version", "id", "type", "payload", "created_at");
    static final Set<String> KNOWN = Set.of("version", "id", "type", "payload", "created_at", "max_attempts", "timeout_s", "meta");
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:@/+=-]+$");
    private static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*$");
    private static final Pattern CREATED_AT =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$");

    public static HandEnvelopeValidator shared() {
        return SHARED;
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
            if (!KNOWN.contains(name)) {
                out.add(new Violation(name, "property '" + name + "' is not defined in the schema and the schema does not allow additional properties"));
            }
        }
        JsonNode version = root.get("version");
        if (version != null && !(version.isNumber() && version.decimalValue().compareTo(java.math.BigDecimal.ONE) == 0)) {
            out.add(new Violation("version", "must be the constant value '1'"));
        }
        string(root, "id", 1, 128, ID, out);
        string(root, "type", 1, 64, TYPE, out);
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isObject()) {
            out.add(new Violation("payload", type(payload) + " found, object expected"));
        }
        string(root, "created_at", -1, -1, CREATED_AT, out);
        integer(root, "max_attempts", 1, 100, out);
        integer(root, "timeout_s", 1, 900, out);
        JsonNode meta = root.get("meta");
        if (meta != null) {
            if (!meta.isObject()) {
                out.add(new Violation("meta", type(meta) + " found, object expected"));
            } else {
                if (meta.size() > 32) {
                    out.add(new Violation("meta", "must have at most 32 properties"));
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = meta.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode value = field.getValue();
                    String path = "meta." + field.getKey();
                    if (!value.isTextual()) {
                        out.add(new Violation(path, type(value) + " found, string expected"));
                    } else if (codePoints(value.textValue()) > 1024) {
                        out.add(new Violation(path, "must be at most 1024 characters long"));
                    }
                }
            }
        }
        if (out.size() > 1) {
            out.sort(Comparator.comparing(Violation::field).thenComparing(Violation::message));
        }
        return out;
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
        java.math.BigDecimal value = node.decimalValue();
        if (value.compareTo(java.math.BigDecimal.valueOf(min)) < 0) {
            out.add(new Violation(name, "must have a minimum value of " + min));
        }
        if (value.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
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
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
