package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LambdaJson} against what the Lambda Java runtime does without it for the functions' {@code Map<String, Object>}
 * input and output: {@link JacksonFactory} (the runtime's serializer for types that are not Lambda events).
 */
class LambdaJsonTest {
    private static final Type MAP = new TypeReference<Map<String, Object>>() { }.getType();
    private static final LambdaJson OURS = new LambdaJson();
    private static final PojoSerializer<Object> RUNTIME = JacksonFactory.getInstance().getSerializer(MAP);

    /** The inputs the Map-typed functions get: EventBridge alarm events, Scheduler inputs, operator requests, cutover steps. */
    static Stream<Path> samples() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("alarms", "scheduler", "ops", "statemachines", "cutover")) {
            try (Stream<Path> list = Files.list(Path.of("../../events", dir))) {
                list.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThan(15);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleInput_readsAsTheRuntimeReadsIt(Path sample) throws IOException {
        byte[] json = Files.readAllBytes(sample);
        Object expected = RUNTIME.fromJson(new ByteArrayInputStream(json));
        Object ours = OURS.fromJson(new ByteArrayInputStream(json), MAP);
        assertThat(ours).isEqualTo(expected);
        assertThat((Object) OURS.fromJson(new String(json, java.nio.charset.StandardCharsets.UTF_8), MAP)).isEqualTo(expected);
    }

    @Test
    void everyKindOfValue_readsAsTheRuntimeReadsIt() {
        String json = "{\"i\":1,\"negative\":-7,\"long\":12345678901234,\"big\":123456789012345678901234567890,"
                + "\"d\":1.5,\"e\":1e3,\"n\":null,\"t\":true,\"f\":false,\"s\":\"x\",\"a\":[1,{\"x\":null},[]],\"o\":{}}";
        Object expected = RUNTIME.fromJson(new ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Object ours = OURS.fromJson(json, MAP);
        assertThat(ours).isEqualTo(expected);
        assertThat(((Map<?, ?>) ours).get("big")).isInstanceOf(java.math.BigInteger.class);
        assertThat(((Map<?, ?>) ours).get("long")).isInstanceOf(Long.class);
    }

    @Test
    void responses_leaveOutNulls_atEveryDepth_asTheRuntimeDoes() throws IOException {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("kept", 1);
        nested.put("dropped", null);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", 200);
        response.put("message_id", null);
        response.put("nested", nested);
        response.put("list", Arrays.asList("a", null, Map.of("x", "y")));
        response.put("big", 12345678901234L);
        response.put("ratio", 0.25);
        response.put("exact", new java.math.BigDecimal("12.50"));
        response.put("when", java.time.Instant.parse("2026-01-01T00:00:00Z").toString());
        for (Object value : List.of(response, Map.of())) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            RUNTIME.toJson(value, expected);
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            OURS.toJson(value, ours, MAP);
            assertThat(ours.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void malformedInput_saysWhatItWasReadAs() {
        assertThatThrownBy(() -> OURS.fromJson("{\"a\":", MAP))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot read the input as java.util.Map");
        // Duplicate keys are ambiguous: refused, as everywhere the shared mapper reads.
        assertThatThrownBy(() -> OURS.fromJson("{\"a\":1,\"a\":2}", MAP)).isInstanceOf(java.io.UncheckedIOException.class);
    }
}
