package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The console renderer of {@code local up} on the lines functions write: Lambda JSON, EMF, anything else. */
class ConsoleLinesTest {
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    private final PrintStream out = new ConsoleLines(new PrintStream(terminal, true, StandardCharsets.UTF_8),
            new PrintStream(metrics, true, StandardCharsets.UTF_8), ZoneOffset.UTC).asPrintStream();

    private String terminal() {
        return terminal.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aJobOutcome_isOneLine_withTimeFunctionOutcomeJobTypeAttemptAndReason() {
        out.println("{\"level\":\"WARN\",\"message\":\"job retried\",\"function_name\":\"outrigger-dev-job-worker\","
                + "\"service\":\"job-worker\",\"timestamp\":\"2026-11-21T10:04:41.123Z\",\"job_id\":\"job-42\","
                + "\"type\":\"django.task\",\"attempt\":2,\"outcome\":\"retried\",\"duration_ms\":31,"
                + "\"error_class\":\"Http503\",\"message_id\":\"m-1\",\"duplicates\":0}");

        assertThat(terminal()).isEqualTo("10:04:41.123  outrigger-dev-job-worker      retried             job-42  django.task"
                + "  attempt 2  Http503" + System.lineSeparator());
    }

    @Test
    void aSucceededJob_hasNoReason_andDuplicatesAreCounted() {
        out.println("{\"level\":\"INFO\",\"message\":\"job succeeded\",\"service\":\"job-worker\","
                + "\"timestamp\":\"2026-11-21T10:04:41.123Z\",\"job_id\":\"job-7\",\"type\":\"webhook\",\"attempt\":1,"
                + "\"outcome\":\"succeeded\",\"error_class\":null,\"duplicates\":1}");

        assertThat(terminal()).isEqualTo("10:04:41.123  job-worker                    succeeded           job-7  webhook"
                + "  attempt 1  (+1 duplicate(s))" + System.lineSeparator());
    }

    @Test
    void anotherLogLine_showsItsLevelMessageAndError() {
        out.println("{\"level\":\"ERROR\",\"message\":\"cannot send message m-1 to the DLQ of jobs\","
                + "\"error\":{\"name\":\"java.io.IOException\",\"message\":\"refused\"},\"function_name\":null,"
                + "\"service\":null,\"timestamp\":\"2026-11-21T10:04:41.123Z\"}");

        assertThat(terminal()).isEqualTo("10:04:41.123  local                         ERROR  cannot send message m-1 to the DLQ"
                + " of jobs (java.io.IOException: refused)" + System.lineSeparator());
    }

    @Test
    void emfDocuments_goToTheMetricsFile_notTheTerminal() {
        String emf = "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[]},\"JobsSucceeded\":1,\"JobType\":\"webhook\"}";
        out.println(emf);

        assertThat(terminal()).isEmpty();
        assertThat(metrics.toString(StandardCharsets.UTF_8)).isEqualTo(emf + System.lineSeparator());
    }

    @Test
    void anythingElse_passesUnchanged_evenWrittenInPieces() {
        out.print("Stopping: waiting for ");
        out.print("in-flight invocations…\n");
        out.println("{not json");
        out.println("{\"hello\":\"a JSON line that is no log event\"}");

        assertThat(terminal()).isEqualTo("Stopping: waiting for in-flight invocations…" + System.lineSeparator()
                + "{not json" + System.lineSeparator()
                + "{\"hello\":\"a JSON line that is no log event\"}" + System.lineSeparator());
    }
}
