package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import dev.outrigger.testing.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alarm messages for each alarm kind, from the sample events in events/alarms/. */
class AlarmFormatterTest {
    static final Path EVENTS = SampleEvents.dir("alarms");

    static AlarmStateChange event(String file) throws IOException {
        JsonNode json = Json.MAPPER.readTree(Files.readString(EVENTS.resolve(file)));
        return AlarmStateChange.parse(json);
    }

    static DlqSummary summary() {
        return new DlqSummary("outrigger-prod-jobs-default-dlq", 37, 0, 37, true, "QUEUE_EXHAUSTED", List.of(
                new DlqSummary.Group("django.task", "HttpStatus404", 25, "2026-11-21T20:00:00Z", "2026-11-21T23:00:00Z",
                        List.of("job-1", "job-2"), 1, 1, Map.of(0, 25), "POST tasks/reports.generate answered 404", 0),
                new DlqSummary.Group("webhook", "Timeout", 10, "2026-11-21T21:00:00Z", "2026-11-21T23:00:00Z",
                        List.of("job-3"), 5, 5, Map.of(0, 10), "read timed out after 10 s", 0),
                new DlqSummary.Group("webhook", "MaxReceiveCountExceeded", 1, null, null, List.of("job-4"), 5, 5, Map.of(0, 1), null, 1),
                new DlqSummary.Group("events.put", "InvalidEnvelope", 1, null, null, List.of("sqs:abc"), 1, 1, Map.of(0, 1), "payload: required", 0)),
                Map.of(), Map.of(), "2026-11-21T20:00:00Z", "2026-11-21T23:00:00Z", 0);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "dlq-not-empty.json, DLQ_NOT_EMPTY",
            "dlq-ok.json, DLQ_NOT_EMPTY",
            "sns-dlq-not-empty.json, DLQ_NOT_EMPTY",
            "scheduler-dlq-not-empty.json, DLQ_NOT_EMPTY",
            "queue-oldest-message-age.json, QUEUE_OLDEST_MESSAGE_AGE",
            "worker-errors.json, WORKER_ERRORS",
            "worker-throttles.json, WORKER_THROTTLES",
            "worker-duration-p99.json, WORKER_DURATION",
            "state-machine-failed.json, STATE_MACHINE_FAILED",
            "state-machine-timed-out.json, STATE_MACHINE_TIMED_OUT",
            "scheduler-target-errors.json, SCHEDULER",
            "jobs-dead-lettered.json, JOBS_DEAD_LETTERED"})
    void everySampleEvent_isClassified_andSaysWhatWhereSinceAndWhy(String file, AlarmFormatter.Kind kind) throws IOException {
        AlarmStateChange a = event(file);
        AlarmMessage m = AlarmFormatter.format(a, AlarmFormatter.Target.aws("eu-west-1"), Optional.empty(), null);

        assertThat(m.kind()).isEqualTo(kind);
        assertThat(m.subject()).startsWith(a.state() + ": " + a.alarmName()).hasSizeLessThan(100).matches("[\\x20-\\x7e]+");
        assertThat(m.body()).contains("What:", "Where:", "Since:", "Why:", "Metric:", "region eu-west-1", "account 123456789012",
                "2026-11-21T23:04:40.989Z", "Console: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/");
        assertThat(m.body()).contains("alarm when");
    }

    @Test
    void dlqAlarm_namesTopReasons_andTheExactCommands() throws IOException {
        AlarmMessage m = AlarmFormatter.format(event("dlq-not-empty.json"), AlarmFormatter.Target.aws("eu-west-1"),
                Optional.of(summary()), null);
        assertThat(m.subject()).isEqualTo("ALARM: outrigger-prod-jobs-default-dlq-not-empty (37 job(s) waiting)");
        assertThat(m.body())
                .contains("What:    jobs are waiting in the dead-letter queue outrigger-prod-jobs-default-dlq")
                .contains("Where:   QueueName=outrigger-prod-jobs-default-dlq | region eu-west-1 | account 123456789012")
                .contains("Since:   2026-11-21T23:04:40.989Z (was OK)")
                .contains("Metric:  AWS/SQS ApproximateNumberOfMessagesVisible (Maximum per 60s); current 37; alarm when past 0")
                .contains("Top failure reasons (37 job(s) read)")
                .contains("25  django.task      HttpStatus404")
                .contains("POST tasks/reports.generate answered 404")
                .contains("… and 1 more group(s)")
                .contains("outrigger dlq inspect --queue outrigger-prod-jobs-default-dlq --aws --region eu-west-1")
                .contains("outrigger dlq redrive --queue outrigger-prod-jobs-default-dlq --error HttpStatus404 --dry-run --aws --region eu-west-1")
                .contains("sam remote invoke DlqRedriveFunction");
        // Third group is not among the top reasons.
        assertThat(m.body()).doesNotContain("InvalidEnvelope");
    }

    @Test
    void dlqAlarm_fromTheSnsAlarmActionFormat_knowsTheComparison() throws IOException {
        AlarmStateChange a = event("sns-dlq-not-empty.json");
        assertThat(a.comparison()).isEqualTo("GreaterThanThreshold");
        assertThat(a.region()).isEqualTo("eu-west-1");
        AlarmMessage m = AlarmFormatter.format(a, AlarmFormatter.Target.local(), Optional.empty(), "QueueDoesNotExist");
        assertThat(m.body()).contains("alarm when > 0").contains("could not be read for this message: QueueDoesNotExist")
                .contains("outrigger dlq inspect --queue outrigger-prod-jobs-default-dlq\n")
                .contains("--error <ERROR> --dry-run").doesNotContain("Console:");
    }

    @Test
    void schedulerDlqAlarm_saysHowToRecover_withoutARedrive() throws IOException {
        AlarmMessage m = AlarmFormatter.format(event("scheduler-dlq-not-empty.json"), AlarmFormatter.Target.aws("eu-west-1"),
                Optional.empty(), null);
        assertThat(m.body()).contains("outrigger dlq inspect --queue outrigger-prod-scheduler-dlq --aws --region eu-west-1")
                .contains("the next scheduled run retries").doesNotContain("dlq redrive");
    }

    @Test
    void schedulerDlqAlarm_withAHookParkedForAPermanentAnswer_namesTheHookTheStatusAndTheReason() throws IOException {
        // what DlqInspector makes of the schedule-hook function's dead letters (type hook:<name>, error Http<status>)
        DlqSummary parked = new DlqSummary("outrigger-prod-scheduler-dlq", 2, 0, 2, true, "QUEUE_EXHAUSTED", List.of(
                new DlqSummary.Group("hook:health_ping", "Http404", 2, "2026-11-21T23:00:01Z", "2026-11-21T23:05:01Z",
                        List.of("hook:health_ping:2026-11-21T23:00:00Z"), 1, 1, Map.of(0, 2),
                        "hook 'health_ping': Django answered 404 on hooks/health_ping: {\"error\": \"unknown_hook\"}", 0)),
                Map.of(), Map.of(), "2026-11-21T23:00:01Z", "2026-11-21T23:05:01Z", 0);
        AlarmMessage m = AlarmFormatter.format(event("scheduler-dlq-not-empty.json"), AlarmFormatter.Target.aws("eu-west-1"),
                Optional.of(parked), null);
        assertThat(m.body()).contains("hook:health_ping").contains("Http404")
                .contains("Django answered 404 on hooks/health_ping").contains("parked here at once, without retries")
                .doesNotContain("dlq redrive");
    }

    @Test
    void okTransition_saysRecovered_withoutCommands() throws IOException {
        AlarmMessage m = AlarmFormatter.format(event("dlq-ok.json"), AlarmFormatter.Target.aws("eu-west-1"), Optional.empty(), null);
        assertThat(m.subject()).isEqualTo("OK: outrigger-prod-jobs-default-dlq-not-empty");
        assertThat(m.body()).contains("Recovered").contains("(was ALARM)").doesNotContain("outrigger dlq");
    }

    @Test
    void durationAndAge_areShownAsDurations() throws IOException {
        assertThat(AlarmFormatter.format(event("worker-duration-p99.json"), AlarmFormatter.Target.aws("eu-west-1"), Optional.empty(), null).body())
                .contains("AWS/Lambda Duration (p99 per 5m)").contains("current 51234.50 ms (51s)").contains("48000 ms (48s)")
                .contains("FunctionName=outrigger-prod-job-worker").contains("close to its timeout");
        assertThat(AlarmFormatter.format(event("queue-oldest-message-age.json"), AlarmFormatter.Target.aws("eu-west-1"), Optional.empty(), null).body())
                .contains("current 2710 s (45m)").contains("1800 s (30m)")
                .contains("outrigger dlq inspect --queue outrigger-prod-jobs-default --aws --region eu-west-1");
    }

    @Test
    void stateMachineAlarm_namesTheMachine() throws IOException {
        assertThat(AlarmFormatter.format(event("state-machine-failed.json"), AlarmFormatter.Target.aws("eu-west-1"), Optional.empty(), null).body())
                .contains("executions of state machine outrigger-prod-deploy failed").contains("rollback");
    }

    @Test
    void metricMathAlarm_namesTheNamespaces() throws IOException {
        AlarmStateChange a = event("jobs-dead-lettered.json");
        assertThat(a.metricMath()).isTrue();
        assertThat(AlarmFormatter.format(a, AlarmFormatter.Target.aws("eu-west-1"), Optional.empty(), null).body())
                .contains("expression over [Outrigger]").contains("current 42").contains("alarm when past 10");
    }

    @Test
    void subject_isAsciiAndShort() {
        assertThat(AlarmFormatter.subject("ALARM: ü " + "x".repeat(200))).hasSize(99).endsWith("...").startsWith("ALARM:   x");
    }

    @Test
    void shellWord_quotesWhatTheShellWouldSplit() {
        assertThat(AlarmFormatter.shellWord("HttpStatus404")).isEqualTo("HttpStatus404");
        assertThat(AlarmFormatter.shellWord("it's bad")).isEqualTo("'it'\\''s bad'");
    }

    @Test
    void parse_rejectsWhatIsNotAnAlarm() {
        assertThatThrownBy(() -> AlarmStateChange.parse(Json.MAPPER.createObjectNode().put("foo", 1)))
                .hasMessageContaining("not an alarm state change");
    }
}
