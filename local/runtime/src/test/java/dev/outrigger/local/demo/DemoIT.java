package dev.outrigger.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Runs `outrigger demo` in process against the repository's template.yaml and checks its accounting. */
class DemoIT {
    private static Path template() {
        Path p = Path.of(System.getProperty("outrigger.root", "../..")).resolve("template.yaml");
        return Files.isRegularFile(p) ? p : Path.of("../../template.yaml");
    }

    @Test
    void demo_onTheRealTemplate_settlesEveryJobAsExpectedAndExitsZero() {
        ByteArrayOutputStream narration = new ByteArrayOutputStream();
        ByteArrayOutputStream runtimeLog = new ByteArrayOutputStream();

        Demo.Result r = new Demo(template(), Duration.ofSeconds(40), new PrintStream(narration, true, StandardCharsets.UTF_8),
                new PrintStream(runtimeLog, true, StandardCharsets.UTF_8), true).run();

        String text = narration.toString(StandardCharsets.UTF_8);
        assertThat(r.exitCode()).as(text).isZero();
        Map<String, Demo.JobResult> byLabel = r.jobs().stream().collect(Collectors.toMap(j -> j.job().label(), Function.identity()));
        assertThat(r.jobs()).hasSize(Demo.jobs().size()).allMatch(Demo.JobResult::asExpected);
        assertThat(r.count(Demo.Outcome.SUCCEEDED)).isEqualTo(4);
        assertThat(r.count(Demo.Outcome.DEAD_LETTERED)).isEqualTo(3);
        assertThat(byLabel.get("demo-flaky-1").tries()).isEqualTo(3);
        assertThat(byLabel.get("demo-reject-1").error()).isEqualTo("Http422");
        assertThat(byLabel.get("demo-reject-1").errorMessage()).contains(DemoDjango.REJECT_REASON);
        assertThat(byLabel.get("(malformed body)").error()).isEqualTo("InvalidEnvelope");
        assertThat(byLabel.get("demo-unknown-type-1").error()).isEqualTo("UnknownJobType");
        assertThat(r.leftOnQueue()).isZero();
        assertThat(r.unknownInDlq()).isZero();
        assertThat(r.badSignatures()).isZero();
        assertThat(r.took()).isLessThan(Duration.ofSeconds(40));
        assertThat(text).contains("RETRY  demo-flaky-1", "attempt 3", "DLQ    demo-reject-1", "Everything ended as expected.",
                "aws --endpoint-url http://127.0.0.1:9324 sqs send-message", "./outrigger dlq inspect --queue JobsDefaultDLQ");
        System.out.println(text);
    }
}
