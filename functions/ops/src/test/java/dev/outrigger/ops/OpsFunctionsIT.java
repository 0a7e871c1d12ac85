package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.core.Json;
import dev.outrigger.testing.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
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
        Path dir = SampleEvents.dir("ops");
        for (String file : List.of("inspect.json", "redrive-dry-run.json", "redrive-status.json")) {
            Map<String, Object> in = new HashMap<>(Json.MAPPER.readValue(Files.readString(dir.resolve(file)), Map.class));
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
        Map<String, Object> event = SampleEvents.map("alarms", "dlq-not-empty.json");

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

    /**
     * Lambda Managed Instances: 50 redrives at once through one {@link DlqRedriveHandler}, each moving its own
     * dead letters back, and 50 DLQ alarms at once through one {@link AlarmNotificationHandler}, each reading its own
     * DLQ: every result and every published message is the one that invocation alone would give.
     */
    @Test
    @SuppressWarnings("unchecked")
    void fiftyConcurrentRedrivesAndAlarms_throughOneHandlerEach_eachSeesOnlyItsOwnQueue() throws Exception {
        int n = 50;
        String[][] queues = new String[n][];
        for (int i = 0; i < n; i++) {
            queues[i] = mq.jobsAndDlq("outrigger-prod-c" + i, 5);
            DeadLetterSeed.seed(mq.sqs, queues[i][1], "outrigger-prod-c" + i, 10 + i % 3, Instant.now(), k -> 0);
        }
        CapturingSnsClient audits = new CapturingSnsClient();
        DlqRedriveHandler redrive = new DlqRedriveHandler(new OpsService(mq.sqs, AuditSink.sns(audits, "arn:aws:sns:us-east-1:000000000000:ops")));

        // Error Timeout is seeded at i % 5 == 2: job-0002 and job-0007 in every DLQ.
        List<Map<String, Object>> reports = concurrently(n, i -> redrive.handleRequest(Map.of("action", "redrive",
                "queue", "outrigger-prod-c" + i + "-dlq", "error", "Timeout", "requestedBy", "op-" + i), null));
        for (int i = 0; i < n; i++) {
            Map<String, Object> report = reports.get(i);
            assertThat(report.get("queue")).isEqualTo("outrigger-prod-c" + i + "-dlq");
            assertThat(report.get("actor")).isEqualTo("op-" + i + " via lambda:?");
            assertThat((List<Map<String, Object>>) report.get("moved")).extracting(m -> m.get("jobId"))
                    .containsExactlyInAnyOrder("job-0002", "job-0007");
            assertThat(mq.jobIds(queues[i][0])).containsExactlyInAnyOrder("job-0002", "job-0007");
            assertThat(mq.visible(queues[i][1])).isEqualTo(10 + i % 3 - 2);
        }
        assertThat(audits.published).hasSize(n);
        for (int i = 0; i < n; i++) {
            String dlqName = "outrigger-prod-c" + i + "-dlq";
            int index = i;
            assertThat(audits.published).filteredOn(p -> p.subject().contains(" from " + dlqName + " by "))
                    .singleElement().satisfies(p -> assertThat(p.subject()).endsWith("by op-" + index + " via lambda:?"));
        }

        CapturingSnsClient sns = new CapturingSnsClient();
        Queues names = new Queues(mq.sqs);
        AlarmNotificationHandler alarms = new AlarmNotificationHandler(new AlarmNotifier(sns, "arn:ops", new DlqInspector(mq.sqs),
                names::url, AlarmFormatter.Target.aws("eu-west-1")));
        String sample = SampleEvents.text("alarms", "dlq-not-empty.json");
        List<Map<String, Object>> published = concurrently(n, i -> alarms.handleRequest(read(sample.replace(
                "outrigger-prod-jobs-default-dlq", "outrigger-prod-c" + i + "-dlq")), null));
        assertThat(published).extracting(o -> o.get("kind")).containsOnly("DLQ_NOT_EMPTY");
        assertThat(sns.published).hasSize(n);
        for (int i = 0; i < n; i++) {
            String subject = "ALARM: outrigger-prod-c" + i + "-dlq-not-empty (" + (10 + i % 3 - 2) + " job(s) waiting)";
            String inspect = "outrigger dlq inspect --queue outrigger-prod-c" + i + "-dlq ";
            assertThat(published.get(i)).containsEntry("subject", subject);
            assertThat(sns.published).filteredOn(p -> p.subject().equals(subject)).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains(inspect));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        try {
            return Json.MAPPER.readValue(json, Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<Map<String, Object>> concurrently(int n, IntFunction<Map<String, Object>> invocation)
            throws Exception {
        CyclicBarrier together = new CyclicBarrier(n);
        try (var threads = Executors.newFixedThreadPool(n)) {
            List<Future<Map<String, Object>>> futures = threads.invokeAll(IntStream.range(0, n)
                    .mapToObj(i -> (Callable<Map<String, Object>>) () -> {
                        together.await(30, TimeUnit.SECONDS);
                        return invocation.apply(i);
                    }).toList(), 3, TimeUnit.MINUTES);
            List<Map<String, Object>> out = new ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
