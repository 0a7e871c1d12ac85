package dev.outrigger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The one schema file, {@code events/schema/job-envelope.v1.json} (the jar's copy), read once per JVM: the envelope
 * rules {@link EnvelopeValidator} applies and, in {@code $defs}, the grammars of job ids, job types, task names and
 * hook names and the queue size limit. Every Java reader of those facts takes them from here, and the Django package
 * reads the same file, so the two sides cannot drift.
 *
 * <p>Plain Jackson, no JSON Schema library (that cost about 1 s of every cold start, bench/README.md): this class
 * knows the few keywords the file uses ({@code type}, {@code minLength}, {@code maxLength}, {@code pattern},
 * {@code minimum}, {@code maximum}, and {@code $ref} to {@code #/$defs/…} with sibling keywords that narrow it).
 * {@code EnvelopeValidatorTest} fails when the file uses anything else.
 */
public final class EnvelopeSchema {
    private static final String DEFS_REF = "#/$defs/";

    private final ObjectNode root;
    private final NameGrammar jobId;
    private final NameGrammar jobType;
    private final NameGrammar taskName;
    private final NameGrammar hookName;
    private final IntRange messageBytes;

    private EnvelopeSchema(ObjectNode root) {
        this.root = root;
        this.jobId = grammar("jobId");
        this.jobType = grammar("jobType");
        this.taskName = grammar("taskName");
        this.hookName = grammar("hookName");
        this.messageBytes = range(definition("messageBytes"), "#/$defs/messageBytes");
    }

    /** Parsed on first use, once per JVM. */
    public static EnvelopeSchema get() {
        return Holder.SCHEMA;
    }

    private static final class Holder {
        static final EnvelopeSchema SCHEMA = load();
    }

    private static EnvelopeSchema load() {
        try (InputStream in = EnvelopeSchema.class.getResourceAsStream(EnvelopeValidator.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the schema " + EnvelopeValidator.SCHEMA_RESOURCE + " is not in the jar");
            }
            // As a String, so Jackson parses it with the same (already loaded) parser classes as every job body.
            return parse(Json.MAPPER.readTree(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + EnvelopeValidator.SCHEMA_RESOURCE, e);
        }
    }

    /** A schema from its JSON (tests pass a modified copy of the file). */
    static EnvelopeSchema parse(JsonNode root) {
        if (!(root instanceof ObjectNode object)) {
            throw new IllegalStateException("the schema is not a JSON object");
        }
        return new EnvelopeSchema(object);
    }

    /** Job ids: {@code $defs/jobId}. */
    public NameGrammar jobId() {
        return jobId;
    }

    /** Job types: {@code $defs/jobType}. */
    public NameGrammar jobType() {
        return jobType;
    }

    /** Django task names: {@code $defs/taskName}. */
    public NameGrammar taskName() {
        return taskName;
    }

    /** Scheduled hook names: {@code $defs/hookName} (a task name, shorter). */
    public NameGrammar hookName() {
        return hookName;
    }

    /** The MaximumMessageSize SQS allows a queue: {@code $defs/messageBytes}. */
    public IntRange messageBytes() {
        return messageBytes;
    }

    ObjectNode root() {
        return root;
    }

    /** A property's schema as the file spells it. */
    JsonNode property(String name) {
        JsonNode property = root.path("properties").get(name);
        if (property == null) {
            throw new IllegalStateException("the schema has no property '" + name + "'");
        }
        return property;
    }

    /** The rules of a string-valued schema (a definition or a property). */
    NameGrammar stringRules(String name, JsonNode schema, String where) {
        JsonNode ref = schema.get("$ref");
        NameGrammar base = null;
        if (ref != null) {
            String target = ref.asText();
            if (!target.startsWith(DEFS_REF)) {
                throw new IllegalStateException(where + ": $ref " + target + " is not a " + DEFS_REF + "… reference");
            }
            String defName = target.substring(DEFS_REF.length());
            base = stringRules(defName, definition(defName), target);
        }
        if (base == null && !"string".equals(schema.path("type").asText())) {
            throw new IllegalStateException(where + ": not a string schema");
        }
        int min = Math.max(base == null ? 0 : base.minLength(), schema.path("minLength").asInt(0));
        int max = Math.min(base == null ? Integer.MAX_VALUE : base.maxLength(), schema.path("maxLength").asInt(Integer.MAX_VALUE));
        JsonNode pattern = schema.get("pattern");
        if (pattern != null && base != null) {
            throw new IllegalStateException(where + ": a second pattern beside a $ref is not supported");
        }
        if (pattern == null && base != null) {
            return new NameGrammar(name, min, max, base.source(), base.pattern());   // a $ref narrowed: its pattern, compiled once
        }
        return new NameGrammar(name, min, max, pattern == null ? null : pattern.asText());
    }

    private NameGrammar grammar(String defName) {
        return stringRules(defName, definition(defName), DEFS_REF + defName);
    }

    private JsonNode definition(String name) {
        JsonNode def = root.path("$defs").get(name);
        if (def == null) {
            throw new IllegalStateException("the schema has no $defs/" + name);
        }
        return def;
    }

    static IntRange range(JsonNode schema, String where) {
        if (!"integer".equals(schema.path("type").asText()) || !schema.has("minimum") || !schema.has("maximum")) {
            throw new IllegalStateException(where + ": expected an integer schema with a minimum and a maximum");
        }
        return new IntRange(schema.get("minimum").asInt(), schema.get("maximum").asInt());
    }

    /** Inclusive bounds of an integer. */
    public record IntRange(int min, int max) {
        public boolean contains(long value) {
            return value >= min && value <= max;
        }
    }

    /**
     * A string grammar from the schema: length bounds in code points (as JSON Schema counts) and a pattern with
     * ECMA-262 meaning, which JSON Schema specifies. Java's {@code $} also matches before a final line break; here it is
     * compiled as the end of input, so {@code "job-1\n"} is no job id, on this side as on the Django side.
     *
     * @param source the pattern as the schema spells it, or null when there is none
     */
    public record NameGrammar(String name, int minLength, int maxLength, String source, Pattern pattern) {
        NameGrammar(String name, int minLength, int maxLength, String source) {
            this(name, minLength, maxLength, source, source == null ? null : Pattern.compile(ecmaEndAnchors(source)));
        }

        public boolean accepts(String value) {
            if (value == null) {
                return false;
            }
            int length = value.codePointCount(0, value.length());
            return length >= minLength && length <= maxLength && (pattern == null || pattern.matcher(value).find());
        }

        /** For error messages: "1 to 128 characters matching ^…$". */
        public String describe() {
            String length = minLength == maxLength ? String.valueOf(minLength) : minLength + " to " + maxLength;
            return length + " characters" + (source == null ? "" : " matching " + source);
        }
    }

    /** Rewrites every {@code $} anchor (outside a character class, not escaped) to {@code \z}, ECMA-262's meaning. */
    static String ecmaEndAnchors(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                out.append(c).append(pattern.charAt(++i));
                continue;
            }
            if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '$' && !inClass) {
                out.append("\\z");
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}
