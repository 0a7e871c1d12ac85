package dev.outrigger.tests.django;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.DjangoRoute;
import dev.outrigger.core.Json;
import dev.outrigger.core.RequestSigner;
import dev.outrigger.local.runtime.InvocationResult;
import dev.outrigger.local.runtime.LocalFunction;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.LocalScheduler;
import dev.outrigger.ops.DlqInspector;
import dev.outrigger.ops.DlqSummary;
import dev.outrigger.schedule.ScheduledHookHandler;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The whole loop with a real Django project (clients/django/example, SQLite in a temp dir, {@code runserver} on
 * 127.0.0.1) and the embedded runtime started from the real template.yaml ({@link DjangoHarness}): Django enqueues
 * (Django's Tasks framework through {@code OutriggerBackend}, or {@code outrigger_django.publish_on_commit}; boto3
 * against the runtime's ElasticMQ, or its Scheduler emulator for a task deferred beyond 15 minutes) → the job-worker
 * function polls the queue → a signed call → Django runs the task and records its result.
 *
 * <p>The template is template.yaml as a user extends it ({@link #extendedTemplate}): with the FIFO job queue and worker
 * its comments document, uncommented, and the example's converted Celery schedules (the README's migration guide)
 * pasted under Resources. So the Celery call sites, FIFO and fair queues, and the converted beat schedule run here
 * through the real worker and schedule-hook functions.
 *
 * <p>Django {@value DjangoHarness#DEFAULT_DJANGO} unless {@code -Doutrigger.django=4.2|5.2} (or OUTRIGGER_DJANGO) says
 * otherwise; skipped only when that Django is not installed ({@link RequiresDjango}), failing instead with CI=true. Run
 * it alone with
 * {@code mvn -B -pl tests verify -Dit.test=DjangoEndToEndIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RequiresDjango.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DjangoEndToEndIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** The task the direct signed calls run. */
    private static final DjangoRoute RECORD = DjangoRoute.task("example.record");
    /** Scheduler's at() format: UTC, to the second. */
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("'at('yyyy-MM-dd'T'HH:mm:ss')'").withZone(ZoneOffset.UTC);
    private static final int MAIL_FAILS_FIRST = 2;

    private final String secret = "e2e-" + UUID.randomUUID();
    /** DLQ messages seen so far, by job id (receiving hides a message, so every test reads from here). */
    private final Map<String, Message> deadLetters = new ConcurrentHashMap<>();
    private DjangoHarness harness;
    private LocalRuntime runtime;
    private LocalScheduler scheduler;
    private String deferredGroup;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)   // a JVM, ElasticMQ, migrate and runserver on a busy 2-core CI box
    void start() throws Exception {
        harness = DjangoHarness.start("django-e2e");
        scheduler = harness.scheduler;
        Path example = harness.root.resolve("clients/django/example");
        Map<String, String> env = harness.exampleEnv(secret);
        // the example's stand-in mail server fails the first two tries of every receipt (billing/mail.py)
        env.put("EXAMPLE_MAIL_FAILS_FIRST", Integer.toString(MAIL_FAILS_FIRST));
        // migrate needs no queue: it runs while the runtime starts
        Process migrate = harness.spawn(harness.python(example, env, "manage.py", "migrate", "-v", "0"));
        // Schedules created DISABLED: nothing fires by the clock; the hook tests fire them with fireNow.
        // A 1-2 s backoff, so a task that keeps failing uses up its attempts within a test.
        runtime = harness.startRuntime(extendedTemplate(harness.root, harness.tmp), secret,
                Map.of("OUTRIGGER_BACKOFF_BASE_S", "1", "OUTRIGGER_BACKOFF_CAP_S", "2"),
                b -> b.parameter("SchedulesEnabled", "false"));
        harness.finish("manage.py migrate (Django " + harness.djangoVersion + ")", migrate, Duration.ofSeconds(60));

        env.put("OUTRIGGER_QUEUE_URL_DEFAULT", runtime.queueUrl("JobsDefaultQueue"));
        env.put("OUTRIGGER_QUEUE_URL_HEAVY", runtime.queueUrl("JobsHeavyQueue"));
        env.put("OUTRIGGER_QUEUE_URL_ORDERS", runtime.queueUrl("JobsOrdersQueue"));
        env.put("OUTRIGGER_ENDPOINT_URL", runtime.sqsEndpoint().toString());
        env.put("AWS_REGION", runtime.template().endpoints().region());
        // what the stack outputs for a run_after beyond 15 minutes (DeferredScheduleGroupName, DeferredSchedulerRoleArn,
        // SchedulerDLQArn), and the runtime's Scheduler emulator as its endpoint
        deferredGroup = String.valueOf(runtime.template().resources().get("DeferredScheduleGroup").properties().get("Name"));
        env.put("OUTRIGGER_SCHEDULE_GROUP", deferredGroup);
        env.put("OUTRIGGER_SCHEDULER_ROLE_ARN", "arn:aws:iam::" + runtime.template().endpoints().accountId()
                + ":role/outrigger-dev-deferred-scheduler");
        env.put("OUTRIGGER_SCHEDULER_DEAD_LETTER_ARN", runtime.template().queue("SchedulerDLQ").orElseThrow().arn());
        env.put("OUTRIGGER_SCHEDULER_ENDPOINT_URL", runtime.emulatorEndpoint().toString());
        harness.serve("example runserver", harness.python(example, env, "manage.py", "runserver",
                harness.djangoBase.getHost() + ":" + harness.djangoBase.getPort(), "--noreload"));
    }

    @AfterAll
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    // -------------------------------------------------------------------------------- Django's Tasks framework

    @Test
    void tasksFramework_taskEnqueuedFromAView_runsOnce_andGetResultShowsItsReturnValue() throws Exception {
        JsonNode enqueued = enqueue("remember", List.of("first"), null);
        String id = enqueued.path("id").asText();
        assertThat(enqueued.path("status").asText()).isEqualTo("READY");

        JsonNode result = awaitResult(id, "SUCCESSFUL");
        assertThat(result.path("return_value").toString()).isEqualTo("{\"label\":\"first\",\"attempt\":1}");
        assertThat(result.path("attempts").asInt()).isEqualTo(1);
        assertThat(result.path("errors").size()).isZero();
        assertThat(Instant.parse(iso(result, "finished_at"))).isAfterOrEqualTo(Instant.parse(iso(result, "started_at")));
        harness.awaitQueueDrained("JobsDefaultQueue", DEADLINE);
        // once: one row written by one run, however the delivery went
        assertThat(taskRows(id)).singleElement().satisfies(row -> {
            assertThat(row.path("task").asText()).isEqualTo("shop.tasks.remember");
            assertThat(row.path("label").asText()).isEqualTo("first");
        });
        collectDeadLetters();
        assertThat(deadLetters).doesNotContainKey(id);
    }

    @Test
    void tasksFramework_deferredWithinFifteenMinutes_waitsOnTheQueue_andRunsAtItsTime() throws Exception {
        JsonNode enqueued = enqueue("remember", List.of("in a few seconds"), 4);
        String id = enqueued.path("id").asText();
        Instant runAfter = Instant.parse(iso(enqueued, "run_after"));

        // SQS DelaySeconds, not a schedule: nothing in the Scheduler, the message delayed on the queue, not yet run
        assertThat(schedule(id)).isNull();
        JsonNode before = result(id);
        assertThat(before.path("status").asText()).isEqualTo("READY");
        assertThat(before.path("attempts").asInt()).isZero();

        JsonNode result = awaitResult(id, "SUCCESSFUL");
        // it ran at its time, not before (DelaySeconds rounds up to the second)
        assertThat(Instant.parse(iso(result, "started_at"))).isAfterOrEqualTo(runAfter);
        assertThat(result.path("return_value").path("label").asText()).isEqualTo("in a few seconds");
        assertThat(taskRows(id)).hasSize(1);
    }

    @Test
    void tasksFramework_deferredBeyondFifteenMinutes_isAOneTimeSchedule_thatFiresIntoTheJobQueue() throws Exception {
        JsonNode enqueued = enqueue("remember", List.of("in an hour"), 3600);
        String id = enqueued.path("id").asText();
        Instant runAfter = Instant.parse(iso(enqueued, "run_after"));

        // the real path: CreateSchedule through boto3 to the Scheduler emulator, at(run_after), target the job queue
        GetScheduleResponse s = schedule(id);
        assertThat(s).as("a schedule task-%s in %s", id, deferredGroup).isNotNull();
        assertThat(s.groupName()).isEqualTo(deferredGroup);
        assertThat(s.scheduleExpression()).isEqualTo(AT.format(runAfter.plusNanos(999_999_999).truncatedTo(ChronoUnit.SECONDS)));
        assertThat(s.scheduleExpressionTimezone()).isEqualTo("UTC");
        assertThat(s.target().arn()).isEqualTo(runtime.template().queue("JobsDefaultQueue").orElseThrow().arn());
        assertThat(Json.MAPPER.readTree(s.target().input()).path("id").asText()).isEqualTo(id);
        assertThat(result(id).path("status").asText()).as("not yet run").isEqualTo("READY");
        harness.awaitQueueDrained("JobsDefaultQueue", DEADLINE);
        assertThat(taskRows(id)).isEmpty();

        // An hour is too long to wait: fire the one-time schedule now, as `outrigger schedules fire` does.
        LocalScheduler.Firing firing = scheduler.fireNow("task-" + id);
        assertThat(firing.succeeded()).as("fired: %s", firing.error()).isTrue();

        JsonNode result = awaitResult(id, "SUCCESSFUL");
        assertThat(result.path("return_value").path("label").asText()).isEqualTo("in an hour");
        assertThat(taskRows(id)).hasSize(1);
    }

    @Test
    void tasksFramework_taskThatKeepsFailing_endsFailedWithItsError_andLandsInTheDlqWithTheReason() throws Exception {
        String id = enqueue("always_fails", List.of("the disk is full"), null).path("id").asText();
        int maxReceiveCount = runtime.template().queue("JobsDefaultQueue").orElseThrow().redrive().maxReceiveCount();

        JsonNode result = awaitResult(id, "FAILED");
        // retried with the worker's backoff until the queue's last attempt, which the worker told Django
        assertThat(result.path("attempts").asInt()).isEqualTo(maxReceiveCount);
        assertThat(result.path("errors").size()).isEqualTo(maxReceiveCount);
        JsonNode last = result.path("errors").get(maxReceiveCount - 1);
        assertThat(last.path("exception_class_path").asText()).isEqualTo("builtins.RuntimeError");
        assertThat(last.path("traceback").asText()).contains("RuntimeError: the disk is full");
        assertThat(result.path("finished_at").isNull()).isFalse();

        Message dead = harness.await("task " + id + " in the DLQ", DEADLINE, () -> {
            collectDeadLetters();
            return deadLetters.get(id);
        }, m -> m != null);
        Map<String, MessageAttributeValue> attrs = dead.messageAttributes();
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("Http500");
        assertThat(attrs.get("outrigger-error-message").stringValue()).contains("task_failed").contains("RuntimeError");
        assertThat(attrs.get("outrigger-attempts").stringValue()).isEqualTo(Integer.toString(maxReceiveCount));
        JsonNode body = Json.MAPPER.readTree(dead.body());
        assertThat(body.path("payload").path("task").asText()).isEqualTo("shop.tasks.always_fails");
        assertThat(body.path("payload").path("args").toString()).isEqualTo("[\"the disk is full\"]");
    }

    // --------------------------------------------------------------------------------- publish, signed calls

    @Test
    void task_publishedByDjangoAndDeliveredTwice_runsExactlyOnce() throws Exception {
        String jobId = "e2e-once-" + UUID.randomUUID();
        assertThat(publish("example.record", Map.of("label", "first"), jobId)).isEqualTo(jobId);
        harness.await("the worker ran " + jobId + " in Django", DEADLINE, () -> taskRows(jobId), rows -> rows.size() == 1);

        // The same envelope id again: SQS at-least-once delivery, or a publisher retry.
        assertThat(publish("example.record", Map.of("label", "second"), jobId)).isEqualTo(jobId);
        harness.awaitQueueDrained("JobsDefaultQueue", DEADLINE);

        List<JsonNode> rows = taskRows(jobId);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("first");
        assertThat(rows.get(0).path("task").asText()).isEqualTo("example.record");
        // the second delivery reached Django, which answered "already done" without running the task, and the
        // worker deleted it (drained, not dead-lettered)
        harness.await("Django's log line for the second delivery of " + jobId, DEADLINE, harness::log,
                log -> log.contains("already done name=example.record id=" + jobId));
        collectDeadLetters();
        assertThat(deadLetters).doesNotContainKey(jobId);
    }

    @Test
    void task_raisingPermanentError_endsInDlqWithHttp422AndTheReason() throws Exception {
        String jobId = "e2e-permanent-" + UUID.randomUUID();
        publish("example.fail_permanently", Map.of("reason", "order 42 is cancelled"), jobId);

        Message dead = harness.await("job " + jobId + " in the DLQ", DEADLINE, () -> {
            collectDeadLetters();
            return deadLetters.get(jobId);
        }, m -> m != null);
        Map<String, MessageAttributeValue> attrs = dead.messageAttributes();
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("Http422");
        assertThat(attrs.get("outrigger-error-message").stringValue()).contains("order 42 is cancelled");
        JsonNode body = Json.MAPPER.readTree(dead.body());
        assertThat(body.path("type").asText()).isEqualTo("django.task");
        assertThat(body.path("payload").path("task").asText()).isEqualTo("example.fail_permanently");
        assertThat(taskRows(jobId)).isEmpty();
    }

    @Test
    void signedCall_withForgedSignatureOrStaleTimestamp_isRefused401() throws Exception {
        long now = Instant.now().getEpochSecond();
        String forgedId = "e2e-forged-" + UUID.randomUUID();
        String staleId = "e2e-stale-" + UUID.randomUUID();
        String goodId = "e2e-signed-" + UUID.randomUUID();

        HttpResponse<String> forged = callTask(forgedId, "wrong-" + secret, now, RECORD.path());
        HttpResponse<String> stale = callTask(staleId, secret, now - 3600, RECORD.path());
        HttpResponse<String> good = callTask(goodId, secret, now, RECORD.path());

        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(forged.body()).path("error").asText()).isEqualTo("unauthorized");
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(401);
        // the control: the same call, correctly signed and fresh, runs
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        assertThat(taskRows(forgedId)).isEmpty();
        assertThat(taskRows(staleId)).isEmpty();
        assertThat(taskRows(goodId)).hasSize(1);
    }

    @Test
    void signedTaskCall_replayedToAHookOrMaintenance_isRefused401_andRunsNothing() throws Exception {
        long now = Instant.now().getEpochSecond();
        String jobId = "e2e-replayed-" + UUID.randomUUID();
        int hooksBefore = hookRows().size();

        HttpResponse<String> toHook = callTask(jobId, secret, now, "hooks/clearsessions");
        HttpResponse<String> toMaintenance = callTask(jobId, secret, now, "maintenance");

        assertThat(toHook.statusCode()).as(toHook.body()).isEqualTo(401);
        assertThat(toMaintenance.statusCode()).as(toMaintenance.body()).isEqualTo(401);
        assertThat(hookRows()).hasSize(hooksBefore);
        assertThat(harness.get("example/records").statusCode()).as("maintenance stayed off").isEqualTo(200);
        // the control: the very same signed call at the route it was signed for runs
        assertThat(callTask(jobId, secret, now, RECORD.path()).statusCode()).isEqualTo(200);
        assertThat(taskRows(jobId)).hasSize(1);
    }

    // -------------------------------------------------------------------------------------------- schedules

    @Test
    void scheduledHook_firedTwiceForOneScheduledTime_runsOnce() throws Exception {
        // The runtime's scheduler fires template.yaml's clearsessions schedule (its Input, placeholders filled in)
        // through ScheduleHookFunction, which calls Django.
        LocalScheduler.Firing first = scheduler.fireNow("clearsessions");
        assertThat(first.succeeded()).as("clearsessions fired: %s", first.error()).isTrue();
        List<JsonNode> rows = hookRows();
        assertThat(rows).hasSize(1);
        String jobId = rows.get(0).path("job_id").asText();
        assertThat(rows.get(0).path("execution_id").asText()).isEqualTo(first.executionId());

        // Scheduler delivers the same firing again, with another execution id (it promises neither once nor the id).
        ObjectNode again = (ObjectNode) Json.MAPPER.readTree(first.input());
        again.put("execution_id", UUID.randomUUID().toString());
        Map<String, Object> duplicate = invokeHookFunction(again.toString());
        assertThat(duplicate).containsEntry("job_id", jobId).containsEntry("status", 200);
        assertThat(hookRows()).hasSize(1);

        // a firing at another scheduled time is another job: it runs
        harness.await("the next second", Duration.ofSeconds(3), () -> Instant.now().truncatedTo(ChronoUnit.SECONDS),
                now -> now.isAfter(first.scheduledTime()));
        LocalScheduler.Firing next = scheduler.fireNow("clearsessions");
        assertThat(next.succeeded()).as("clearsessions fired again: %s", next.error()).isTrue();
        rows = hookRows();
        assertThat(rows).extracting(n -> n.path("execution_id").asText()).containsExactly(first.executionId(), next.executionId());
        assertThat(rows.get(1).path("job_id").asText()).isNotEqualTo(jobId);
    }

    @Test
    void scheduledHook_thatDjangoDoesNotHave_isParkedInTheSchedulerDlqAtOnce_withTheReason() throws Exception {
        String input = "{\"hook\":\"no_such_hook\",\"mode\":\"call\",\"scheduled_time\":\"2026-05-01T10:05:00Z\","
                + "\"execution_id\":\"" + UUID.randomUUID() + "\",\"args\":[]}";

        // the invocation succeeds (so Scheduler does not retry a 404), and says the firing was dead-lettered
        Map<String, Object> out = invokeHookFunction(input);
        assertThat(out).containsEntry("status", 404).containsEntry("dead_lettered", true).containsEntry("error", "Http404");

        String dlq = runtime.queueUrl("SchedulerDLQ");
        Message parked = harness.await("the firing in SchedulerDLQ", DEADLINE, () -> runtime.sqs().receiveMessage(b -> b
                        .queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0).messageAttributeNames("All")).messages().stream()
                        .filter(m -> m.body().contains("no_such_hook")).findFirst().orElse(null), m -> m != null);
        Map<String, MessageAttributeValue> attrs = parked.messageAttributes();
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("Http404");
        assertThat(attrs.get("outrigger-job-id").stringValue()).isEqualTo("hook:no_such_hook:2026-05-01T10:05:00Z");
        assertThat(attrs.get("outrigger-error-message").stringValue())
                .contains("Django answered 404 on hooks/no_such_hook").contains("unknown_hook");
        assertThat(Json.MAPPER.readTree(parked.body()).path("hook").asText()).isEqualTo("no_such_hook");

        // what `outrigger dlq inspect` shows an operator: the hook, the status, the job id with its scheduled time
        DlqSummary summary = new DlqInspector(runtime.sqs()).inspect(dlq, 100);
        assertThat(summary.groups()).anySatisfy(g -> {
            assertThat(g.jobType()).isEqualTo("hook:no_such_hook");
            assertThat(g.error()).isEqualTo("Http404");
            assertThat(g.sampleJobIds()).contains("hook:no_such_hook:2026-05-01T10:05:00Z");
        });
    }

    @Test
    void templateSchedules_healthPingAndPrune_succeedAgainstTheExample_withThePackagesHooks() throws Exception {
        for (String schedule : List.of("health-ping", "outrigger-prune")) {
            LocalScheduler.Firing f = scheduler.fireNow(schedule);
            assertThat(f.succeeded()).as("%s fired: %s", schedule, f.error()).isTrue();
            assertThat(f.attempts()).isEqualTo(1);
        }
        assertThat(runtime.sqs().receiveMessage(b -> b.queueUrl(runtime.queueUrl("SchedulerDLQ")).visibilityTimeout(0)
                .maxNumberOfMessages(10)).messages()).noneMatch(m -> m.body().contains("health_ping") || m.body().contains("outrigger_prune"));
        // the health ping answers with the database and migration state, which the function passes on (an hour
        // back: the firing above had this second's scheduled time, so now would be its duplicate, "already done")
        Map<String, Object> ping = invokeHookFunction("{\"hook\":\"health_ping\",\"mode\":\"call\",\"scheduled_time\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600) + "\",\"execution_id\":\"e\",\"args\":[]}");
        assertThat(ping).containsEntry("status", 200);
        assertThat(Json.MAPPER.valueToTree(ping.get("result")).path("migrations").path("unapplied").asInt()).isZero();
    }

    // ---------------------------------------------------------------- moving from Celery (clients/django README)

    @Test
    void celeryDelay_ofAnAutoretryTask_isRetriedAfterCeleryCountdown_thenRunsOnce() throws Exception {
        String jobId = celery("billing.tasks.send_receipt", "delay", List.of(7), Map.of());
        // the stand-in mail server refuses the first tries with ConnectionError: Django answers 500 with Celery's
        // countdown (retry_backoff=True: 0-1 s, then 0-2 s) as Retry-After, the worker waits that long
        List<JsonNode> rows = harness.await("send_receipt ran after its retries", DEADLINE, () -> taskRows(jobId),
                r -> r.size() == 1);
        assertThat(rows.get(0).path("attempt").asInt()).isEqualTo(MAIL_FAILS_FIRST + 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("7");
        assertThat(harness.log()).contains("failed name=billing.tasks.send_receipt id=" + jobId + " attempt=2");
        collectDeadLetters();
        assertThat(deadLetters).doesNotContainKey(jobId);
    }

    @Test
    void celeryApplyAsync_anExceptionCeleryWouldNotRetry_endsInTheDlqWithTheReason() throws Exception {
        String jobId = celery("billing.tasks.send_receipt", "apply_async", List.of(-1), Map.of(),
                Map.of("task_id", "e2e-celery-" + UUID.randomUUID()));
        Message dead = harness.await("job " + jobId + " in the DLQ", DEADLINE, () -> {
            collectDeadLetters();
            return deadLetters.get(jobId);
        }, m -> m != null);
        assertThat(dead.messageAttributes().get("outrigger-error").stringValue()).isEqualTo("Http422");
        assertThat(dead.messageAttributes().get("outrigger-error-message").stringValue())
                .contains("ValueError is not in autoretry_for: not retried (as in Celery)");
        assertThat(dead.messageAttributes().get("outrigger-attempts").stringValue()).isEqualTo("1");
        assertThat(Json.MAPPER.readTree(dead.body()).path("max_attempts").asInt()).as("max_retries=5").isEqualTo(6);
    }

    @Test
    void celeryApplyAsync_countdownBeyond15Minutes_isAOneTimeScheduleThatSendsTheJob() throws Exception {
        String jobId = celery("billing.tasks.send_invoices", "apply_async", List.of(), Map.of("dry_run", true),
                Map.of("countdown", 7200, "task_id", "e2e-later-" + UUID.randomUUID()));
        assertThat(taskRows(jobId)).isEmpty();
        // the runtime's Scheduler holds the one-time schedule; fire it now instead of in two hours
        LocalScheduler.Firing fired = scheduler.fireNow("task-" + jobId);
        assertThat(fired.succeeded()).as("the deferred schedule fired: %s", fired.error()).isTrue();
        List<JsonNode> rows = harness.await("the deferred job ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("dry run");
    }

    @Test
    void tasksFrameworkTask_delay_runsThroughTheWorker() throws Exception {
        String jobId = celery("billing.reports.build_report", "delay", List.of("2026-11"), Map.of());
        List<JsonNode> rows = harness.await("build_report ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
        assertThat(rows.get(0).path("task").asText()).isEqualTo("billing.reports.build_report");
    }

    @Test
    void fifoQueue_asTheTemplateDocumentsIt_runsAGroupsJobs_andRefusesAPublishWithoutAGroup() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            jobs.add(Map.of("type", "django.task", "queue", "orders", "group", tenant,
                    "payload", Map.of("task", "billing.tasks.send_digest", "args", List.of(tenant + ":" + i))));
        }
        HttpResponse<String> sent = postJson("example/celery", Map.of("call", "publish_many", "jobs", jobs));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        List<String> labels = harness.await("the group's 12 jobs ran", DEADLINE, () -> harness.getJson("example/records").path("tasks").findValuesAsText("label")
                .stream().filter(l -> l.startsWith(tenant + ":")).toList(), l -> l.size() >= 12);
        // each once; the order within a batch is the worker's to keep (JobWorker), not asserted here
        assertThat(labels).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 12).mapToObj(i -> tenant + ":" + i).toList());

        HttpResponse<String> refused = postJson("example/celery", Map.of("call", "publish_many", "jobs", List.of(
                Map.of("type", "django.task", "queue", "orders", "payload", Map.of("task", "billing.tasks.send_digest")))));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("is a FIFO queue: give group=").contains("nothing was sent");
    }

    @Test
    void fairQueue_aGroupOnTheStandardQueue_isAccepted_andRuns() throws Exception {
        String jobId = celery("billing.tasks.send_digest", "apply_async", List.of("fair"), Map.of(),
                Map.of("group", "tenant-" + UUID.randomUUID()));
        List<JsonNode> rows = harness.await("the job with a group ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("fair");
    }

    @Test
    void convertedBeatSchedule_pastedIntoTheTemplate_enqueuesItsTaskThroughTheScheduleHook() throws Exception {
        // example/celery-migration/schedules.yaml: the django-celery-beat row, converted
        LocalScheduler.Firing fired = scheduler.fireNow("monthly-invoices");
        assertThat(fired.succeeded()).as("monthly-invoices fired: %s", fired.error()).isTrue();
        JsonNode input = Json.MAPPER.readTree(fired.input());
        String jobId = "hook:billing.tasks.send_invoices:" + input.path("scheduled_time").asText();
        List<JsonNode> rows = harness.await("send_invoices ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("sent");   // kwargs {"dry_run": false}
    }

    /** POST /example/celery: a Celery call site in the example (delay, or apply_async with options). */
    private String celery(String task, String call, List<Object> args, Map<String, Object> kwargs) throws Exception {
        return celery(task, call, args, kwargs, Map.of());
    }

    private String celery(String task, String call, List<Object> args, Map<String, Object> kwargs,
                          Map<String, Object> options) throws Exception {
        HttpResponse<String> r = postJson("example/celery", Map.of("task", task, "call", call, "args", args,
                "kwargs", kwargs, "options", options));
        assertThat(r.statusCode()).as("%s.%s: %s", task, call, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).path("job_id").asText();
    }

    private HttpResponse<String> postJson(String path, Object body) throws Exception {
        return harness.http.send(HttpRequest.newBuilder(harness.djangoBase.resolve(path)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * template.yaml as a user extends it: the FIFO job queue and its worker that its comments document, uncommented
     * (those lines start with "  # " and follow "  # JobsOrdersDLQ:" / "  # OrdersJobWorkerFunction:" to the next
     * blank line), and the example's converted Celery schedules under Resources. Written to dir, so DefinitionUri
     * paths are made absolute.
     */
    static Path extendedTemplate(Path root, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        boolean documented = false;
        int uncommented = 0;
        for (String line : Files.readAllLines(root.resolve("template.yaml"))) {
            if (line.equals("  # JobsOrdersDLQ:") || line.equals("  # OrdersJobWorkerFunction:")) {
                documented = true;
            } else if (line.isBlank()) {
                documented = false;
            }
            if (documented && line.startsWith("  #")) {
                line = line.startsWith("  # ") ? "  " + line.substring(4) : "";
                uncommented++;
            }
            if (line.equals("Outputs:")) {
                String schedules = Files.readString(root.resolve("clients/django/example/celery-migration/schedules.yaml"));
                out.add(schedules.substring(schedules.indexOf("Resources:\n") + "Resources:\n".length()));
            }
            out.add(line.replace("DefinitionUri: statemachines/", "DefinitionUri: " + root.resolve("statemachines") + "/"));
        }
        assertThat(uncommented).as("template.yaml documents a FIFO job queue and its worker").isGreaterThan(40);
        Path template = dir.resolve("template.yaml");
        Files.write(template, out);
        return template;
    }

    /** Invokes template.yaml's schedule-hook function once, as Scheduler does, and returns what it reports. */
    private Map<String, Object> invokeHookFunction(String inputJson) throws Exception {
        LocalFunction fn = runtime.functions().values().stream()
                .filter(f -> f.def().handlerClass().equals(ScheduledHookHandler.class.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("template.yaml has no function with handler " + ScheduledHookHandler.class.getName()));
        InvocationResult r = fn.invoke(inputJson);
        assertThat(r.ok()).as("%s invoked with %s: %s", fn.def().logicalId(), inputJson, r.errorJson()).isTrue();
        return Json.MAPPER.readValue(r.responseJson(), new TypeReference<Map<String, Object>>() { });
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** POST /example/tasks/enqueue: the example's view calls task.enqueue (task.using(run_after=…) when deferred). */
    private JsonNode enqueue(String task, List<String> args, Integer runAfterSeconds) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("task", task);
        body.set("args", Json.MAPPER.valueToTree(args));
        if (runAfterSeconds != null) {
            body.put("run_after_s", runAfterSeconds);
        }
        HttpResponse<String> r = harness.postJson("example/tasks/enqueue", body);
        assertThat(r.statusCode()).as("enqueue %s: %s", task, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    /** GET /example/tasks/<id>: what get_result() says. */
    private JsonNode result(String id) throws Exception {
        return harness.getJson("example/tasks/" + id);
    }

    private JsonNode awaitResult(String id, String status) throws Exception {
        return harness.await("task " + id + " " + status + " in get_result", DEADLINE, () -> result(id),
                r -> r.path("status").asText().equals(status));
    }

    /** The one-time schedule of a deferred task, read through the Scheduler API (GetSchedule), or null. */
    private GetScheduleResponse schedule(String id) {
        try (SchedulerClient client = SchedulerClient.builder().endpointOverride(runtime.emulatorEndpoint())
                .region(Region.of(runtime.template().endpoints().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            return client.getSchedule(b -> b.groupName(deferredGroup).name("task-" + id));
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /** Django's isoformat() times (with a UTC offset) as an Instant's text. */
    private static String iso(JsonNode node, String field) {
        return OffsetDateTime.parse(node.path(field).asText()).toInstant().toString();
    }

    /** POST /example/publish: the example's view calls publish_on_commit inside transaction.atomic(). */
    private String publish(String task, Map<String, String> kwargs, String jobId) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("task", task);
        body.set("kwargs", Json.MAPPER.valueToTree(kwargs));
        body.put("job_id", jobId);
        HttpResponse<String> r = harness.postJson("example/publish", body);
        assertThat(r.statusCode()).as("publish %s: %s", task, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).path("job_id").asText();
    }

    /**
     * A call as the worker makes it to tasks/example.record (body and v2 signature), signed with the given secret and
     * timestamp, sent to sentTo (relative to Outrigger's base URL): another route replays it there.
     */
    private HttpResponse<String> callTask(String jobId, String signingSecret, long timestamp, String sentTo) throws Exception {
        ObjectNode body = RECORD.newBody();
        body.put("id", jobId);
        ObjectNode payload = body.putObject("payload");
        payload.put("task", "example.record");
        payload.putArray("args");
        payload.putObject("kwargs").put("label", "direct");
        body.put("attempt", 1);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return harness.http.send(HttpRequest.newBuilder(harness.outriggerBase().resolve(sentTo))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .header(RequestSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                        .header(RequestSigner.SIGNATURE_HEADER,
                                RequestSigner.signature(signingSecret, timestamp, "POST", RECORD.path(), bytes))
                        .header(RequestSigner.JOB_ID_HEADER, jobId).header(RequestSigner.ATTEMPT_HEADER, "1")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> taskRows(String jobId) throws Exception {
        return stream(harness.getJson("example/records").path("tasks")).filter(n -> n.path("job_id").asText().equals(jobId)).toList();
    }

    /** Every hook row: only the hook test fires clearsessions (the template's schedules are created disabled here). */
    private List<JsonNode> hookRows() throws Exception {
        return stream(harness.getJson("example/records").path("hooks")).toList();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    /** Reads whatever is in the jobs DLQ now into {@link #deadLetters}, by envelope id. */
    private void collectDeadLetters() throws IOException {
        String dlq = runtime.queueUrl("JobsDefaultDLQ");
        while (true) {
            List<Message> batch = runtime.sqs().receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).visibilityTimeout(300).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return;
            }
            for (Message m : batch) {
                deadLetters.put(Json.MAPPER.readTree(m.body()).path("id").asText(), m);
            }
        }
    }
}
