package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two Lambda handlers on ElasticMQ: DlqRedriveHandler's actions and AlarmNotificationHandler's DLQ enrichment. */
class OpsFunctionsIT {
    static ElasticMq mq;
    static String jobs;
    static String dlq;

    @BeforeAll
    static void start() {
        mq = new ElasticMq();
        String[] q = mq.jobsAndDlq("outrigger-prod-jobs-default", 5);
        jobs = q[0];
        dlq = q[1];
        DeadLetterSeed.seed(mq.sqs, dlq, "outrigger-prod-jobs-default", 40, Instant.now(), i -> 0);
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void redriveHandler_inspectsAndDryRunsByJobsQueueName_andAuditsToTheTopic() {
        CapturingSnsClient sns = new CapturingSnsClient();
        DlqRedriveHandler handler = new DlqRedriveHandler(new OpsService(mq.sqs,
                AuditSink.sns(sns, "arn:aws:sns:us-east-1:000000000000:ops")));

        Map<String, Object> inspect = handler.handleRequest(Map.of("action", "inspect", "queue", "outrigger-prod-jobs-default"), null);
        assertThat(inspect.get("queue")).isEqualTo(dlq);
        assertThat(inspect.get("scanned")).isEqualTo(40);
        assertThat((List<Object>) inspect.get("groups")).hasSize(20);

        Map<String, Object> dry = handler.handleRequest(Map.of("action", "redrive", "queue", "outrigger-prod-jobs-default-dlq",
                "type", List.of("webhook"), "error", "HttpStatus404,Timeout", "dryRun", true, "requestedBy", "ana"), null);
        assertThat(dry.get("dryRun")).isEqualTo(true);
        assertThat(dry.get("actor")).isEqualTo("ana via lambda:?");
        assertThat((List<Object>) dry.get("moved")).hasSize(4);   // webhook: i%4==1; 404: i%5==0 (i=5,25), Timeout: i%5==2 (17,37)
        assertThat(mq.visible(dlq)).isEqualTo(40);
        assertThat(sns.published).singleElement().satisfies(p -> {
            assertThat(p.subject()).startsWith("[dry run] Outrigger redrive (dry run): 4 job(s) from outrigger-prod-jobs-default-dlq by ana");
            assertThat(p.message()).contains("\"jobIds\":[").contains("job-0005");
        });

        Map<String, Object> show = handler.handleRequest(Map.of("action", "show", "queue", dlq, "jobId", "job-0007"), null);
        assertThat(show.get("error")).isEqualTo("Timeout");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "explode", "queue", dlq), null))
                .hasMessageContaining("'action' must be inspect, show, redrive, status or cancel");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "inspect"), null)).hasMessageContaining("'queue' is required");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("queue", "nope"), null)).hasMessageContaining("queue 'nope' does not exist");
    }

    @Test
    @SuppressWarnings("unchecked")
    void redriveHandler_acceptsTheSampleInputsInEventsOps() throws Exception {
        DlqRedriveHandler handler = new DlqRedriveHandler(new OpsService(mq.sqs, r -> { }));
        Path dir = Path.of(System.getProperty("outrigger.events.dir", "../../events"), "ops");
        for (String file : List.of("inspect.json", "redrive-dry-run.json", "redrive-status.json")) {
            Map<String, Object> in = new java.util.HashMap<>(Json.MAPPER.readValue(Files.readString(dir.resolve(file)), Map.class));
            in.put("queue", dlq);   // the samples name the dev stack's DLQ
            assertThat(handler.handleRequest(in, null)).as(file).containsKey("queue");
        }
        assertThat(mq.visible(dlq)).isEqualTo(40);
    }

    @Test
    @SuppressWarnings("unchecked")
    void alarmHandler_dlqAlarm_readsTheDlq_andPublishesTheTopReasonsAndCommands() throws Exception {
        CapturingSnsClient sns = new CapturingSnsClient();
        Queues queues = new Queues(mq.sqs);
        AlarmNotificationHandler handler = new AlarmNotificationHandler(new AlarmNotifier(sns, "arn:ops", new DlqInspector(mq.sqs),
                queues::url, AlarmFormatter.Target.aws("eu-west-1")));
        Map<String, Object> event = Json.MAPPER.readValue(Files.readString(Path.of(System.getProperty("outrigger.events.dir", "../../events"),
                "alarms", "dlq-not-empty.json")), Map.class);

        Map<String, Object> out = handler.handleRequest(event, null);

        assertThat(out.get("kind")).isEqualTo("DLQ_NOT_EMPTY");
        assertThat(sns.published).singleElement().satisfies(p -> {
            assertThat(p.topicArn()).isEqualTo("arn:ops");
            assertThat(p.subject()).isEqualTo("ALARM: outrigger-prod-jobs-default-dlq-not-empty (40 job(s) waiting)");
            assertThat(p.message()).contains("Top failure reasons (40 job(s) read)").contains("--error ")
                    .contains("outrigger dlq inspect --queue outrigger-prod-jobs-default-dlq --aws --region eu-west-1");
            assertThat(p.messageAttributes().get("outrigger-alarm-kind").stringValue()).isEqualTo("DLQ_NOT_EMPTY");
        });
        // Reading the DLQ for the notification left it as it was.
        assertThat(mq.visible(dlq)).isEqualTo(40);
        assertThat(mq.inFlight(dlq)).isZero();
    }
}
