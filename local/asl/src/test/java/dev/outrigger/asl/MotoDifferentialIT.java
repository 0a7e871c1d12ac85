package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the corpus (src/test/resources/corpus) through this engine and through moto's Step Functions executor
 * (src/test/python/run_moto_corpus.py) and asserts the same status, output, error and cause. AWS's documented
 * semantics are the truth: where moto departs from them, the case is listed in known-moto-deviations.json with the
 * AWS page that settles it, and the test asserts both that this engine follows AWS and that moto still deviates
 * as recorded (so the list stays true).
 */
class MotoDifferentialIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path CORPUS = MODULE.resolve("src/test/resources/corpus");
    private static final Path SCRIPT = MODULE.resolve("src/test/python/run_moto_corpus.py");
    private static final Path DEVIATIONS = MODULE.resolve("src/test/resources/known-moto-deviations.json");

    private static Map<String, JsonNode> cases;
    private static Map<String, JsonNode> moto;
    private static JsonNode deviations;

    @BeforeAll
    static void runMoto() throws Exception {
        cases = new TreeMap<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = p.getFileName().toString().replace(".json", "");
                cases.put(name, MAPPER.readTree(p.toFile()));
            }
        }
        deviations = MAPPER.readTree(DEVIATIONS.toFile());
        Process process = new ProcessBuilder("python3", SCRIPT.toString(), CORPUS.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = process.waitFor(Duration.ofMinutes(5).toSeconds(), TimeUnit.SECONDS);
        assertThat(done).as("moto run finished").isTrue();
        assertThat(process.exitValue()).as("moto script exit code").isZero();
        moto = new HashMap<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                JsonNode n = MAPPER.readTree(line);
                moto.put(n.get("case").asText(), n);
            }
        }
    }

    private static ExecutionResult ours(JsonNode c) {
        AslDefinition def = AslDefinition.parse(c.get("definition").toString(), "corpus");
        TaskInvoker none = r -> {
            throw new TaskFailure("Corpus.NoTasks", "the corpus has no Task states");
        };
        return new AslEngine(none, ExecutionOptions.defaults("corpus").withExecutionName("corpus-execution"))
                .execute(def, c.get("input"));
    }

    @Test
    void corpus_hasEnoughCasesAndEveryDeviationNamesACase() {
        assertThat(cases).hasSizeGreaterThanOrEqualTo(25);
        assertThat(moto.keySet()).containsExactlyInAnyOrderElementsOf(cases.keySet());
        for (Iterator<String> it = deviations.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertThat(cases).as("deviation names a corpus case").containsKey(name);
            assertThat(deviations.get(name).path("doc").asText()).as("deviation %s cites AWS docs", name)
                    .startsWith("https://");
        }
    }

    @TestFactory
    List<DynamicTest> eachCase_agreesWithMotoOrMatchesTheRecordedDeviation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : cases.entrySet()) {
            String name = e.getKey();
            JsonNode c = e.getValue();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                ExecutionResult r = ours(c);
                JsonNode m = moto.get(name);
                JsonNode dev = deviations.get(name);
                if (dev == null) {
                    assertThat(r.status().name()).as("status").isEqualTo(m.get("status").asText());
                    assertThat(r.error()).as("error").isEqualTo(text(m.get("error")));
                    JsonNode motoOutput = m.get("output").isNull() ? null : MAPPER.readTree(m.get("output").asText());
                    assertSameJson("output", r.output(), motoOutput);
                    if (!c.path("causeNotDocumented").asBoolean(false)) {
                        assertThat(r.cause()).as("cause").isEqualTo(text(m.get("cause")));
                    } else {
                        assertThat(r.cause() == null).as("cause presence").isEqualTo(m.get("cause").isNull());
                    }
                } else {
                    JsonNode aws = dev.get("aws");
                    assertThat(r.status().name()).as("our status (AWS)").isEqualTo(aws.get("status").asText());
                    if (aws.has("output")) {
                        assertSameJson("our output (AWS)", r.output(), aws.get("output"));
                    }
                    if (aws.has("error")) {
                        assertThat(r.error()).as("our error (AWS)").isEqualTo(text(aws.get("error")));
                    }
                    if (aws.has("cause")) {
                        assertThat(r.cause()).as("our cause (AWS)").isEqualTo(text(aws.get("cause")));
                    }
                    JsonNode still = dev.get("moto");
                    assertThat(m.get("status").asText()).as("moto still deviates: status")
                            .isEqualTo(still.get("status").asText());
                    if (still.has("error")) {
                        assertThat(text(m.get("error"))).as("moto still deviates: error").isEqualTo(text(still.get("error")));
                    }
                    if (still.has("outputRaw")) {
                        assertThat(text(m.get("output"))).as("moto still deviates: raw output")
                                .isEqualTo(still.get("outputRaw").asText());
                    }
                    if (still.has("output")) {
                        assertSameJson("moto still deviates: output", MAPPER.readTree(m.get("output").asText()),
                                still.get("output"));
                    }
                    if (still.has("causeContains")) {
                        assertThat(text(m.get("cause"))).as("moto still deviates: cause")
                                .contains(still.get("causeContains").asText());
                    }
                }
            }));
        }
        return tests;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /** JSON equality where 1 and 1.0 are the same number (Jackson's equals tells IntNode from LongNode). */
    private static void assertSameJson(String what, JsonNode actual, JsonNode expected) {
        boolean same = actual == null || expected == null ? actual == expected : Intrinsics.jsonEquals(actual, expected);
        assertThat(same).as("%s: expected %s but was %s", what, expected, actual).isTrue();
    }
}
