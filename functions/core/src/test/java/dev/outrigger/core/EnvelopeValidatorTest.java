package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written {@link EnvelopeValidator} against networknt json-schema-validator (test scope only) on the one
 * schema file, {@code events/schema/job-envelope.v1.json} read from the source tree: for every envelope of the table,
 * the same verdict and the same fields named. And a guard that fails when the file changes in a way the
 * hand-written validator does not implement.
 */
class EnvelopeValidatorTest {
    static final Path SCHEMA_FILE = Path.of(System.getProperty("outrigger.schema", "../../events/schema/job-envelope.v1.json"));
    static final String OK = "{\"version\":1,\"id\":\"job-1\",\"type\":\"django.task\",\"payload\":{},\"created_at\":\"2025-06-01T12:00:00Z\"";
    static final JsonSchema NETWORKNT;

    static {
        try {
            NETWORKNT = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA_FILE));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String with(String extra) {
        return OK + extra + "}";
    }

    private static String replacing(String from, String to) {
        String body = OK.replace(from, to) + "}";
        if (body.equals(OK + "}")) {
            throw new IllegalArgumentException("'" + from + "' is not in the base envelope");
        }
        return body;
    }

    private static String without(String field) {
        ObjectNode node = (ObjectNode) read(OK + "}");
        node.remove(field);
        return Json.write(node);
    }

    private static String meta(int keys, String value) {
        return "{" + IntStream.range(0, keys).mapToObj(i -> "\"k" + i + "\":" + value).collect(Collectors.joining(",")) + "}";
    }

    static Stream<Arguments> envelopes() {
        List<Arguments> cases = new ArrayList<>(List.of(
                // The 39 of the bench's HandEnvelopeValidatorTest, where the proposal was first proven.
                Arguments.of("minimal valid", OK + "}"),
                Arguments.of("all fields", with(",\"max_attempts\":3,\"timeout_s\":30,\"meta\":{\"request_id\":\"r\"}")),
                Arguments.of("offset instant, fraction", replacing("12:00:00Z", "12:00:00.123456789+02:00")),
                Arguments.of("lower-case t and z", replacing("T12:00:00Z", "t12:00:00z")),
                Arguments.of("not an object", "[1,2]"),
                Arguments.of("a string", "\"job\""),
                Arguments.of("missing id", without("id")),
                Arguments.of("missing everything", "{}"),
                Arguments.of("extra property", with(",\"priority\":1")),
                Arguments.of("version 2", replacing("\"version\":1", "\"version\":2")),
                Arguments.of("version 1.0", replacing("\"version\":1", "\"version\":1.0")),
                Arguments.of("version string", replacing("\"version\":1", "\"version\":\"1\"")),
                Arguments.of("empty id", replacing("\"job-1\"", "\"\"")),
                Arguments.of("id 129 chars", replacing("\"job-1\"", "\"" + "a".repeat(129) + "\"")),
                Arguments.of("id with space", replacing("\"job-1\"", "\"job 1\"")),
                Arguments.of("id with trailing newline", replacing("\"job-1\"", "\"job-1\\n\"")),
                Arguments.of("id a number", replacing("\"job-1\"", "17")),
                Arguments.of("type upper case", replacing("django.task", "Django.Task")),
                Arguments.of("type trailing dot", replacing("django.task", "django.")),
                Arguments.of("type 65 chars", replacing("django.task", "a".repeat(65))),
                Arguments.of("payload array", replacing("\"payload\":{}", "\"payload\":[]")),
                Arguments.of("payload null", replacing("\"payload\":{}", "\"payload\":null")),
                Arguments.of("created_at date only", replacing("2025-06-01T12:00:00Z", "2025-06-01")),
                Arguments.of("created_at no zone", replacing("12:00:00Z", "12:00:00")),
                Arguments.of("created_at 10 fraction digits", replacing("12:00:00Z", "12:00:00.1234567890Z")),
                Arguments.of("max_attempts 0", with(",\"max_attempts\":0")),
                Arguments.of("max_attempts 101", with(",\"max_attempts\":101")),
                Arguments.of("max_attempts 2.5", with(",\"max_attempts\":2.5")),
                Arguments.of("max_attempts 3.0", with(",\"max_attempts\":3.0")),
                Arguments.of("max_attempts string", with(",\"max_attempts\":\"3\"")),
                Arguments.of("max_attempts null", with(",\"max_attempts\":null")),
                Arguments.of("timeout_s 901", with(",\"timeout_s\":901")),
                Arguments.of("timeout_s -1", with(",\"timeout_s\":-1")),
                Arguments.of("meta array", with(",\"meta\":[]")),
                Arguments.of("meta number value", with(",\"meta\":{\"user\":5}")),
                Arguments.of("meta value 1025 chars", with(",\"meta\":{\"x\":\"" + "v".repeat(1025) + "\"}")),
                Arguments.of("meta 33 keys", with(",\"meta\":" + meta(33, "\"v\""))),
                Arguments.of("several problems", "{\"version\":3,\"id\":\"\",\"type\":\"X\",\"payload\":1,\"created_at\":\"now\",\"extra\":true}"),
                Arguments.of("emoji id within length", replacing("\"job-1\"", "\"\\uD83D\\uDE00\"")),

                // Top level.
                Arguments.of("null body", "null"),
                Arguments.of("number body", "42"),
                Arguments.of("boolean body", "true"),
                Arguments.of("extra property, capitalised known name", with(",\"Version\":1")),
                Arguments.of("two extra properties", with(",\"a\":1,\"b\":null")),
                // version: const 1.
                Arguments.of("version 0", replacing("\"version\":1", "\"version\":0")),
                Arguments.of("version true", replacing("\"version\":1", "\"version\":true")),
                Arguments.of("version null", replacing("\"version\":1", "\"version\":null")),
                Arguments.of("version 1e0", replacing("\"version\":1", "\"version\":1e0")),
                Arguments.of("version -1", replacing("\"version\":1", "\"version\":-1")),
                // id: string, 1..128, pattern.
                Arguments.of("id 128 chars", replacing("\"job-1\"", "\"" + "a".repeat(128) + "\"")),
                Arguments.of("id 1 char", replacing("\"job-1\"", "\"x\"")),
                Arguments.of("id every allowed punctuation", replacing("\"job-1\"", "\"a.b_c:d@e/f+g=h-i\"")),
                Arguments.of("id with a slash and colon", replacing("\"job-1\"", "\"urn:job/1\"")),
                Arguments.of("id with a percent", replacing("\"job-1\"", "\"job%201\"")),
                Arguments.of("id with non-ASCII letter", replacing("\"job-1\"", "\"j\\u00f6b\"")),
                Arguments.of("id 128 emoji", replacing("\"job-1\"", "\"" + "\\uD83D\\uDE00".repeat(128) + "\"")),
                Arguments.of("id null", replacing("\"job-1\"", "null")),
                Arguments.of("id object", replacing("\"job-1\"", "{}")),
                Arguments.of("id leading newline", replacing("\"job-1\"", "\"\\njob-1\"")),
                // type: string, 1..64, dotted lower-case segments.
                Arguments.of("type one letter", replacing("django.task", "a")),
                Arguments.of("type segments with digits, _ and -", replacing("django.task", "a-b_c.d9.e-f")),
                Arguments.of("type 64 chars", replacing("django.task", "a".repeat(64))),
                Arguments.of("type starts with a digit", replacing("django.task", "9a")),
                Arguments.of("type leading dot", replacing("django.task", ".a")),
                Arguments.of("type double dot", replacing("django.task", "a..b")),
                Arguments.of("type segment starts with a digit", replacing("django.task", "a.9b")),
                Arguments.of("type empty", replacing("django.task", "")),
                Arguments.of("type with space", replacing("django.task", "django task")),
                Arguments.of("type number", replacing("\"django.task\"", "5")),
                Arguments.of("type array", replacing("\"django.task\"", "[\"django.task\"]")),
                Arguments.of("type trailing newline", replacing("django.task", "django.task\\n")),
                // payload: object.
                Arguments.of("payload string", replacing("\"payload\":{}", "\"payload\":\"{}\"")),
                Arguments.of("payload number", replacing("\"payload\":{}", "\"payload\":0")),
                Arguments.of("payload nested object", replacing("\"payload\":{}", "\"payload\":{\"a\":{\"b\":[1,null]}}")),
                // created_at: RFC 3339 pattern.
                Arguments.of("created_at lower-case t only", replacing("T12:00:00Z", "t12:00:00Z")),
                Arguments.of("created_at lower-case z only", replacing("12:00:00Z", "12:00:00z")),
                Arguments.of("created_at negative offset", replacing("12:00:00Z", "12:00:00-05:30")),
                Arguments.of("created_at +00:00", replacing("12:00:00Z", "12:00:00+00:00")),
                Arguments.of("created_at offset without colon", replacing("12:00:00Z", "12:00:00+0200")),
                Arguments.of("created_at offset hours only", replacing("12:00:00Z", "12:00:00+02")),
                Arguments.of("created_at 1 fraction digit", replacing("12:00:00Z", "12:00:00.5Z")),
                Arguments.of("created_at 9 fraction digits", replacing("12:00:00Z", "12:00:00.123456789Z")),
                Arguments.of("created_at empty fraction", replacing("12:00:00Z", "12:00:00.Z")),
                Arguments.of("created_at comma fraction", replacing("12:00:00Z", "12:00:00,5Z")),
                Arguments.of("created_at space separator", replacing("T12:00:00Z", " 12:00:00Z")),
                Arguments.of("created_at no seconds", replacing("12:00:00Z", "12:00Z")),
                Arguments.of("created_at trailing newline", replacing("12:00:00Z", "12:00:00Z\\n")),
                Arguments.of("created_at unix seconds", replacing("\"2025-06-01T12:00:00Z\"", "1748779200")),
                Arguments.of("created_at empty", replacing("2025-06-01T12:00:00Z", "")),
                Arguments.of("created_at null", replacing("\"2025-06-01T12:00:00Z\"", "null")),
                // max_attempts / timeout_s: integers with bounds.
                Arguments.of("max_attempts 1", with(",\"max_attempts\":1")),
                Arguments.of("max_attempts 100", with(",\"max_attempts\":100")),
                Arguments.of("max_attempts -5", with(",\"max_attempts\":-5")),
                Arguments.of("max_attempts 1e2", with(",\"max_attempts\":1e2")),
                Arguments.of("max_attempts 100.5", with(",\"max_attempts\":100.5")),
                Arguments.of("max_attempts huge", with(",\"max_attempts\":123456789012345678901234567890")),
                Arguments.of("max_attempts true", with(",\"max_attempts\":true")),
                Arguments.of("max_attempts object", with(",\"max_attempts\":{}")),
                Arguments.of("timeout_s 1", with(",\"timeout_s\":1")),
                Arguments.of("timeout_s 900", with(",\"timeout_s\":900")),
                Arguments.of("timeout_s 0", with(",\"timeout_s\":0")),
                Arguments.of("timeout_s 30.0", with(",\"timeout_s\":30.0")),
                Arguments.of("timeout_s 0.5", with(",\"timeout_s\":0.5")),
                Arguments.of("timeout_s string", with(",\"timeout_s\":\"30\"")),
                Arguments.of("timeout_s null", with(",\"timeout_s\":null")),
                Arguments.of("both bounds broken", with(",\"max_attempts\":0,\"timeout_s\":901")),
                // meta: object of at most 32 strings of at most 1024 characters.
                Arguments.of("meta empty", with(",\"meta\":{}")),
                Arguments.of("meta 32 keys", with(",\"meta\":" + meta(32, "\"v\""))),
                Arguments.of("meta 33 keys, one not a string", with(",\"meta\":" + meta(32, "\"v\"").replace("}", ",\"n\":1}"))),
                Arguments.of("meta value 1024 chars", with(",\"meta\":{\"x\":\"" + "v".repeat(1024) + "\"}")),
                Arguments.of("meta value 1024 emoji", with(",\"meta\":{\"x\":\"" + "\\uD83D\\uDE00".repeat(1024) + "\"}")),
                Arguments.of("meta value 1025 emoji", with(",\"meta\":{\"x\":\"" + "\\uD83D\\uDE00".repeat(1025) + "\"}")),
                Arguments.of("meta value empty string", with(",\"meta\":{\"x\":\"\"}")),
                Arguments.of("meta value boolean", with(",\"meta\":{\"x\":true}")),
                Arguments.of("meta value null", with(",\"meta\":{\"x\":null}")),
                Arguments.of("meta value object", with(",\"meta\":{\"x\":{\"y\":\"z\"}}")),
                Arguments.of("meta value array", with(",\"meta\":{\"x\":[\"y\"]}")),
                Arguments.of("meta value decimal", with(",\"meta\":{\"x\":1.5}")),
                Arguments.of("meta several bad values", with(",\"meta\":{\"a\":1,\"b\":\"ok\",\"c\":false}")),
                Arguments.of("meta key with a dot", with(",\"meta\":{\"a.b\":\"v\"}")),
                Arguments.of("meta string", with(",\"meta\":\"request_id=r\"")),
                Arguments.of("meta null", with(",\"meta\":null"))));
        for (String field : EnvelopeValidator.shared().required()) {
            cases.add(Arguments.of("missing " + field, without(field)));
        }
        return cases.stream();
    }

    /**
     * The rows where networknt's answer is not JSON Schema's: networknt matches patterns with java.util.regex, whose
     * {@code $} also matches before a final line break; JSON Schema patterns are ECMA-262, where {@code $} is the end
     * of the string. The validator follows the specification, so these fields are named although networknt passes them.
     */
    static final Map<String, String> ECMA_DOLLAR = Map.of(
            "id with trailing newline", "id",
            "type trailing newline", "type",
            "created_at trailing newline", "created_at");

    @ParameterizedTest(name = "{0}")
    @MethodSource("envelopes")
    void validate_onTheTable_agreesWithNetworkntOnTheSchemaFileInVerdictAndFields(String name, String body) {
        JsonNode node = read(body);
        List<String> expected = Stream.concat(NETWORKNT.validate(node).stream().map(EnvelopeValidatorTest::field),
                Stream.ofNullable(ECMA_DOLLAR.get(name))).sorted().distinct().toList();

        List<EnvelopeValidator.Violation> violations = EnvelopeValidator.shared().validate(node);
        List<String> actual = violations.stream().map(EnvelopeValidator.Violation::field).sorted().distinct().toList();

        assertThat(actual).as(name + " " + violations).isEqualTo(expected);
        assertThat(EnvelopeValidator.shared().validate(body)).as("the String overload").isEqualTo(violations);
    }

    /** The field naming EnvelopeValidator has always used: networknt names required/additional properties at the parent. */
    static String field(ValidationMessage message) {
        String location = message.getInstanceLocation().toString();
        String field = location.startsWith("$.") ? location.substring(2) : location;
        if (("required".equals(message.getType()) || "additionalProperties".equals(message.getType())) && message.getProperty() != null) {
            field = "$".equals(field) ? message.getProperty() : field + "." + message.getProperty();
        }
        return field;
    }

    @Test
    void theTable_coversBothVerdictsAndEveryField() {
        List<String> fields = envelopes().map(a -> (String) a.get()[1])
                .flatMap(body -> EnvelopeValidator.shared().validate(body).stream()).map(EnvelopeValidator.Violation::field)
                .map(f -> f.startsWith("meta.") ? "meta.*" : f).distinct().toList();
        assertThat(fields).contains("$", "version", "id", "type", "payload", "created_at", "max_attempts", "timeout_s",
                "meta", "meta.*", "priority");
        assertThat(envelopes().filter(a -> EnvelopeValidator.shared().validate((String) a.get()[1]).isEmpty()).count())
                .isGreaterThan(20);
    }

    @Test
    void schemaFile_whenAnnotationsAreSetAside_isExactlyTheRulesTheValidatorImplements() throws IOException {
        ObjectNode schema = (ObjectNode) Json.MAPPER.readTree(Files.readString(SCHEMA_FILE));
        stripAnnotations(schema);

        // On failure: the schema changed. Teach EnvelopeValidator the new rule (and implementedRules()), and add
        // envelopes for it to the table above.
        assertThat(schema).isEqualTo(EnvelopeValidator.shared().implementedRules());
    }

    @Test
    void networkntDeviations_areExactlyTheTrailingNewlineRows() {
        for (String row : ECMA_DOLLAR.keySet()) {
            String body = envelopes().filter(a -> a.get()[0].equals(row)).map(a -> (String) a.get()[1]).findFirst().orElseThrow();
            assertThat(NETWORKNT.validate(read(body))).as(row + ": networknt passes it").isEmpty();
        }
    }

    @Test
    void validator_readsItsBoundsFromTheSchema_notFromItsOwnConstants() throws IOException {
        ObjectNode schema = (ObjectNode) Json.MAPPER.readTree(Files.readString(SCHEMA_FILE));
        ((ObjectNode) schema.get("$defs").get("jobId")).put("maxLength", 8);
        ((ObjectNode) schema.get("properties").get("timeout_s")).put("maximum", 60);
        EnvelopeValidator narrowed = new EnvelopeValidator(EnvelopeSchema.parse(schema));

        assertThat(narrowed.validate(replacing("\"job-1\"", "\"job-12345\""))).extracting(EnvelopeValidator.Violation::field)
                .containsExactly("id");
        assertThat(narrowed.validate(with(",\"timeout_s\":61"))).extracting(EnvelopeValidator.Violation::message)
                .containsExactly("must have a maximum value of 60");
        assertThat(EnvelopeValidator.shared().validate(with(",\"timeout_s\":61"))).isEmpty();
    }

    @Test
    void schemaFile_whenARuleIsAdded_isNoLongerWhatTheValidatorImplements() throws IOException {
        ObjectNode schema = (ObjectNode) Json.MAPPER.readTree(Files.readString(SCHEMA_FILE));
        stripAnnotations(schema);
        ((ObjectNode) schema.get("properties").get("payload")).put("maxProperties", 10);

        assertThat(schema).isNotEqualTo(EnvelopeValidator.shared().implementedRules());
    }

    private static void stripAnnotations(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("$id", "title", "description"));
            object.forEach(EnvelopeValidatorTest::stripAnnotations);
        }
    }

    @Test
    void jarCopy_ofTheSchema_isTheSchemaFile() throws IOException {
        try (InputStream in = EnvelopeValidator.class.getResourceAsStream(EnvelopeValidator.SCHEMA_RESOURCE)) {
            assertThat(in).as(EnvelopeValidator.SCHEMA_RESOURCE).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(SCHEMA_FILE));
        }
    }

    @Test
    void validate_whenTheBodyIsNotJson_namesTheWholeBody() {
        assertThat(EnvelopeValidator.shared().validate("{\"version\":"))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("$");
                    assertThat(v.message()).startsWith("not valid JSON");
                });
        assertThat(EnvelopeValidator.shared().validate("")).containsExactly(new EnvelopeValidator.Violation("$", "empty body"));
    }

    @Test
    void validate_whenSeveralThingsAreWrong_sortsByFieldAndSaysWhy() {
        List<EnvelopeValidator.Violation> violations = EnvelopeValidator.shared()
                .validate("{\"version\":3,\"id\":\"\",\"type\":\"X\",\"payload\":1,\"created_at\":\"now\",\"extra\":true}");

        assertThat(violations).extracting(EnvelopeValidator.Violation::field)
                .containsExactly("created_at", "extra", "id", "id", "payload", "type", "version");
        assertThat(violations).contains(
                new EnvelopeValidator.Violation("id", "must be at least 1 characters long"),
                new EnvelopeValidator.Violation("payload", "integer found, object expected"),
                new EnvelopeValidator.Violation("version", "must be the constant value '1'"));
    }

    @Test
    void checkSize_whenTheBodyIsLargerThanTheQueueAccepts_refusesIt() throws InvalidEnvelopeException {
        EnvelopeValidator.checkSize("é".repeat(5), 10);
        assertThatThrownBy(() -> EnvelopeValidator.checkSize("é".repeat(6), 10))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("12 bytes");
    }
}
