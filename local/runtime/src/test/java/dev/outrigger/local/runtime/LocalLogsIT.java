package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `local up` prints, with the runtime's own logging configuration ({@link LocalLogging}) over two job workers
 * of the same handler class in one JVM, each with its own POWERTOOLS_SERVICE_NAME: in the console format one line
 * per job outcome naming its function, job id, type, outcome, reason and attempt, EMF lines in a file, no library
 * chatter; in the JSON format the functions' Lambda JSON lines, each with its own function's service and name.
 */
class LocalLogsIT {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    @TempDir
    Path state;

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    private String run(LocalLogging.Format format) throws Exception {
        System.setOut(new PrintStream(terminal, true, StandardCharsets.UTF_8));
        LocalLogging.use(format, state.resolve("metrics.jsonl"));
        Path template = Path.of(LocalLogsIT.class.getResource("/templates/logs-it.yaml").toURI());
        try (LocalRuntime runtime = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .build())) {
            send(runtime, "LightQueue", job("light-event-" + format, "events.put"));
            send(runtime, "LightQueue", job("light-unknown-" + format, "video.transcode"));
            send(runtime, "HeavyQueue", job("heavy-event-" + format, "events.put"));
            await(() -> text().contains("light-unknown-" + format) && text().contains("light-event-" + format)
                    && text().contains("heavy-event-" + format));
        }
        return text();
    }

    private String text() {
        return terminal.toString(StandardCharsets.UTF_8);
    }

    private static String job(String id, String type) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("source", "app.orders").put("detail_type", "OrderPaid");
        payload.putObject("detail").put("order", 1);
        return JobEnvelope.create(type, payload).withId(id).toJson();
    }

    private static void send(LocalRuntime runtime, String queue, String body) {
        runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queueUrl(queue)).messageBody(body));
    }

    @Test
    void consoleFormat_printsOneLinePerJobOutcome_namingItsOwnFunction_andKeepsMetricsOffTheTerminal() throws Exception {
        String out = run(LocalLogging.Format.CONSOLE);

        List<String> jobLines = out.lines().filter(l -> l.contains("-CONSOLE")).toList();
        assertThat(jobLines).hasSize(3);
        assertThat(jobLines).anySatisfy(l -> assertThat(l).matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  outrigger-test-job-worker +succeeded +light-event-CONSOLE  events\\.put  attempt 1"));
        assertThat(jobLines).anySatisfy(l -> assertThat(l).matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  outrigger-test-job-worker +dead_lettered +light-unknown-CONSOLE  video\\.transcode  attempt 1  UnknownJobType"));
        assertThat(jobLines).anySatisfy(l -> assertThat(l).matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  outrigger-test-job-worker-heavy +succeeded +heavy-event-CONSOLE  events\\.put  attempt 1"));
        assertThat(out.lines()).noneMatch(l -> l.startsWith("{")).as("no JSON on the terminal")
                .noneMatch(l -> l.contains("Started SQS rest server") || l.contains("Slf4jLogger")).as("no library chatter");
        assertThat(Files.readAllLines(state.resolve("metrics.jsonl"))).isNotEmpty()
                .allSatisfy(l -> assertThat(Json.MAPPER.readTree(l).has("_aws")).isTrue());
    }

    @Test
    void jsonFormat_keepsLambdasJsonLines_eachWithItsOwnFunctionsServiceAndName() throws Exception {
        String out = run(LocalLogging.Format.JSON);

        List<JsonNode> jobs = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{") && l.contains("\"job_id\"")).toList()) {
            jobs.add(Json.MAPPER.readTree(line));
        }
        assertThat(jobs).hasSize(3);
        assertThat(jobs).filteredOn(j -> j.get("job_id").asText().startsWith("light-")).hasSize(2).allSatisfy(j -> {
            assertThat(j.get("service").asText()).isEqualTo("job-worker");
            assertThat(j.get("function_name").asText()).isEqualTo("outrigger-test-job-worker");
            assertThat(j.get("function_request_id").asText()).isNotBlank();
        });
        assertThat(jobs).filteredOn(j -> j.get("job_id").asText().startsWith("heavy-")).singleElement().satisfies(j -> {
            assertThat(j.get("service").asText()).isEqualTo("job-worker-heavy");
            assertThat(j.get("function_name").asText()).isEqualTo("outrigger-test-job-worker-heavy");
        });
        assertThat(out).contains("\"_aws\"");   // EMF stays on stdout, where CloudWatch would read it
    }

    private void await(BooleanSupplier condition) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out; the terminal showed:\n" + text());
            }
            try {
                Thread.sleep(100);   // polling interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
