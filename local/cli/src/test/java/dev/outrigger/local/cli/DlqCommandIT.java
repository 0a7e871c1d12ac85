package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.LocalAlarmEvaluator;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * alarm -> inspect -> redrive on the local runtime: the local alarm evaluator fires on a non-empty DLQ and its
 * message (with the exact commands) lands in the SNS sink; `outrigger dlq` then inspects and redrives.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DlqCommandIT {
    static final Path TEMPLATE = Path.of("src/test/resources/templates/ops.yaml");
    static LocalRuntime runtime;
    static LocalAlarmEvaluator alarms;
    static String dlq;
    static String jobs;

    @BeforeAll
    static void start() {
        alarms = new LocalAlarmEvaluator(Duration.ofHours(1), Clock.systemUTC());   // ticked by hand below
        runtime = LocalRuntime.start(RuntimeOptions.builder(TEMPLATE).port(0).serviceLoaderExtensions(false)
                .extension(alarms).stopGrace(Duration.ofSeconds(5)).console(new PrintStream(new ByteArrayOutputStream())).build());
        dlq = runtime.queueUrl("JobsDefaultDLQ");
        jobs = runtime.queueUrl("JobsDefaultQueue");
        for (int i = 0; i < 30; i++) {
            String id = "job-" + i;
            String type = i % 3 == 0 ? "webhook" : "django.task";
            String error = i % 3 == 0 ? "Timeout" : "HttpStatus404";
            String body = "{\"version\":1,\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":{},\"created_at\":\"2026-11-21T10:00:00Z\"}";
            runtime.sqs().sendMessage(b -> b.queueUrl(dlq).messageBody(body).messageAttributes(Map.of(
                    "outrigger-error", s(error), "outrigger-error-message", s(error + " for " + id), "outrigger-attempts", s("5"),
                    "outrigger-source-queue", s("outrigger-dev-jobs-default"), "outrigger-failed-at", s(Instant.now().toString()),
                    "outrigger-job-id", s(id), "outrigger-job-type", s(type))));
        }
    }

    static MessageAttributeValue s(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    record Run(int exit, String out, String err) {
    }

    static synchronized Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 6];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(new String[] {"--endpoint-url", runtime.sqsEndpoint().toString(), "--sns-endpoint-url",
                    runtime.emulatorEndpoint().toString(), "-t", TEMPLATE.toString()}, 0, all, args.length, 6);
            int exit = OutriggerCli.execute(all);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static int visible(String url) {
        return Integer.parseInt(runtime.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    @Test
    @Order(1)
    void alarm_dlqNotEmpty_publishesTheReadableMessageToTheLocalSnsSink() {
        List<LocalAlarmEvaluator.Transition> t = alarms.evaluateOnce();
        assertThat(t).singleElement().satisfies(x -> {
            assertThat(x.alarmName()).isEqualTo("outrigger-dev-jobs-default-dlq-not-empty");
            assertThat(x.to()).isEqualTo("ALARM");
        });
        assertThat(alarms.describe()).contains("1 SQS alarm(s)").contains("nor JobsDefaultOldestMessageAgeAlarm (age of a queue with a RedrivePolicy)");
        ObjectNode n = runtime.snsSink().records().stream().filter(r -> r.path("Subject").asText().startsWith("ALARM"))
                .findFirst().orElseThrow();
        assertThat(n.path("Subject").asText()).isEqualTo("ALARM: outrigger-dev-jobs-default-dlq-not-empty (30 job(s) waiting)");
        assertThat(n.path("Message").asText())
                .contains("Top failure reasons (30 job(s) read)")
                .contains("20  django.task      HttpStatus404")
                .contains("outrigger dlq inspect --queue outrigger-dev-jobs-default-dlq\n")
                .contains("outrigger dlq redrive --queue outrigger-dev-jobs-default-dlq --error HttpStatus404 --dry-run\n");
        // A second tick with no change publishes nothing.
        assertThat(alarms.evaluateOnce()).isEmpty();
        assertThat(visible(dlq)).isEqualTo(30);
    }

    @Test
    @Order(2)
    void inspect_byLogicalId_printsTheSummary_andJsonParses() throws Exception {
        Run r = cli("dlq", "inspect", "--queue", "JobsDefaultDLQ");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("30 message(s) read").contains("django.task").contains("HttpStatus404")
                .contains("next: outrigger dlq redrive --queue JobsDefaultDLQ --error HttpStatus404 --dry-run");

        Run json = cli("dlq", "inspect", "--queue", "outrigger-dev-jobs-default", "--json");   // the jobs queue stands for its DLQ
        JsonNode s = Json.MAPPER.readTree(json.out());
        assertThat(s.path("scanned").asInt()).isEqualTo(30);
        assertThat(s.path("byError").path("Timeout").asInt()).isEqualTo(10);
        assertThat(visible(dlq)).isEqualTo(30);
    }

    @Test
    @Order(3)
    void show_printsOneJob_andAnUnknownJobExitsOne() throws Exception {
        Run r = cli("dlq", "show", "job-3", "--queue", "JobsDefaultDLQ");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.path("error").asText()).isEqualTo("Timeout");
        assertThat(j.path("body").path("type").asText()).isEqualTo("webhook");
        Run missing = cli("dlq", "show", "job-999", "--queue", "JobsDefaultDLQ");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no job job-999");
    }

    @Test
    @Order(4)
    void redrive_dryRunThenFiltered_movesOnlyTheMatchingJobs_andAuditsToTheOpsTopic() {
        Run dry = cli("dlq", "redrive", "--queue", "JobsDefaultDLQ", "--error", "Timeout", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("DRY RUN - nothing was moved").contains("would move 10");
        assertThat(visible(jobs)).isZero();

        Run r = cli("dlq", "redrive", "--queue", "JobsDefaultDLQ", "--error", "Timeout", "--type", "webhook", "--rate", "50/s");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("matched 10, moved 10, refused 0, failed 0");
        assertThat(r.err()).contains("\"message\":\"dlq redrive audit\"");
        assertThat(visible(jobs)).isEqualTo(10);
        assertThat(visible(dlq)).isEqualTo(20);
        String user = System.getenv().getOrDefault("USER", System.getProperty("user.name"));
        assertThat(runtime.snsSink().records()).anySatisfy(n ->
                assertThat(n.path("Subject").asText()).isEqualTo("Outrigger redrive: 10 job(s) from outrigger-dev-jobs-default-dlq by " + user + "@local"));
    }

    @Test
    @Order(5)
    void badInput_exitsTwo_withAClearMessage() {
        Run unknown = cli("dlq", "inspect", "--queue", "nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--queue nope: queue 'nope' does not exist");
        Run badTime = cli("dlq", "redrive", "--queue", "JobsDefaultDLQ", "--older-than", "yesterday");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("'yesterday' is neither a duration");
        Run badRate = cli("dlq", "redrive", "--queue", "JobsDefaultDLQ", "--type", "x", "--rate", "fast");
        assertThat(badRate.exit()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void unfilteredRedrive_usesAnSqsMoveTask_andStatusShowsIt_thenTheAlarmReturnsToOk() {
        Run r = cli("dlq", "redrive", "--queue", "JobsDefaultDLQ");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Started an SQS move task");
        await(() -> visible(dlq) == 0 && visible(jobs) == 30);
        Run status = cli("dlq", "redrive", "--queue", "JobsDefaultDLQ", "--status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("Move tasks on outrigger-dev-jobs-default-dlq");

        assertThat(alarms.evaluateOnce()).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo("OK"));
        assertThat(runtime.snsSink().records()).anySatisfy(n ->
                assertThat(n.path("Subject").asText()).isEqualTo("OK: outrigger-dev-jobs-default-dlq-not-empty"));
    }

    static void await(BooleanSupplier c) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!c.getAsBoolean()) {
            assertThat(Instant.now()).as("deadline").isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
