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
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.local.schedules.LocalScheduler;
import dev.outrigger.schedule.ScheduledHookHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole loop with a real Django project (clients/django/example, SQLite in a temp dir, {@code runserver} on
 * 127.0.0.1) and the embedded runtime started from the real template.yaml: Django publishes with
 * {@code outrigger_django.publish_on_commit} (boto3 against the runtime's ElasticMQ) → the job-worker function polls
 * the queue → a signed call → Django runs the task.
 *
 * <p>The template is template.yaml as a user extends it ({@link #extendedTemplate}): with the FIFO job queue and worker
 * its comments document, uncommented, and the example's converted Celery schedules (the README's migration guide)
 * pasted under Resources. So the Celery call sites, FIFO and fair queues, and the converted beat schedule run here
 * through the real worker and schedule-hook functions.
 *
 * <p>Django is one of the supported versions, run through {@code clients/django/with-django}: the system property
 * {@code outrigger.django} or else the environment variable {@code OUTRIGGER_DJANGO} picks it (4.2, 5.2 or 6.1);
 * the default is {@value #DEFAULT_DJANGO}, the newest. Skipped (with the reason) only when that Django is not
 * installed ({@link RequiresDjango}); with CI=true a missing Django fails instead, so CI can't pass without running
 * this. Run it alone with
 * {@code mvn -B -pl tests verify -Dit.test=DjangoEndToEndIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (add {@code -Doutrigger.django=4.2} for another version).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DjangoEndToEndIT.RequiresDjango.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DjangoEndToEndIT {
    static final String DEFAULT_DJANGO = "6.1";
    /** The Django version under test, as with-django names it. */
    static final String DJANGO = System.getProperty("outrigger.django",
            System.getenv().getOrDefault("OUTRIGGER_DJANGO", DEFAULT_DJANGO));
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** The task the direct signed calls run. */
    private static final DjangoRoute RECORD = DjangoRoute.task("example.record");
    private static final int MAIL_FAILS_FIRST = 2;

    private final String secret = "e2e-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** DLQ messages seen so far, by job id (receiving hides a message, so every test reads from here). */
    private final Map<String, Message> deadLetters = new ConcurrentHashMap<>();
    private Path tmp;
    private LocalRuntime runtime;
    private final LocalScheduler scheduler = new LocalScheduler();
    private Process django;
    private Thread djangoReaper;
    private URI djangoBase;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)   // a JVM, ElasticMQ, migrate and runserver on a busy 2-core CI box
    void start() throws Exception {
        long t0 = System.nanoTime();
        Path root = repositoryRoot();
        Path example = root.resolve("clients/django/example");
        String djangoVersion = RequiresDjango.check().version();
        if (djangoVersion == null) {
            // only reached with CI=true (otherwise RequiresDjango skipped the class): CI must run this test
            throw new AssertionError("CI must run the Django end-to-end test: " + RequiresDjango.check().problem());
        }
        tmp = Files.createTempDirectory("outrigger-django-e2e");

        int djangoPort = freePort();
        djangoBase = URI.create("http://127.0.0.1:" + djangoPort + "/");
        // What a developer puts in the --env-file of `outrigger local up`. The ARN is blanked: locally the literal wins.
        Path template = extendedTemplate(root, tmp);
        Path envFile = tmp.resolve("local.env");
        Files.writeString(envFile, String.join("\n",
                "DJANGO_BASE_URL=" + djangoBase + "internal/outrigger/",
                "OUTRIGGER_SIGNING_SECRET=" + secret,
                "OUTRIGGER_SIGNING_SECRET_ARN=",
                "OUTRIGGER_BACKOFF_BASE_S=1",
                "OUTRIGGER_BACKOFF_CAP_S=2", ""));

        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.remove("DJANGO_SETTINGS_MODULE");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("OUTRIGGER_SIGNING_SECRET", secret);
        env.put("EXAMPLE_DB_PATH", tmp.resolve("db.sqlite3").toString());
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        // the example's stand-in mail server fails the first two tries of every receipt (billing/mail.py)
        env.put("EXAMPLE_MAIL_FAILS_FIRST", Integer.toString(MAIL_FAILS_FIRST));
        Path log = tmp.resolve("django.log");
        // migrate needs no queue: it runs while the runtime starts
        Process migrate = python(example, env, "manage.py", "migrate", "-v", "0").redirectOutput(log.toFile()).start();
        try {
            // Schedules created DISABLED: nothing fires by the clock; the hook test fires clearsessions with fireNow.
            runtime = LocalRuntime.start(RuntimeOptions.builder(template).port(0).envFile(envFile)
                    .parameter("SchedulesEnabled", "false").extension(scheduler).serviceLoaderExtensions(false)
                    .stopGrace(Duration.ofSeconds(3)).console(System.out).build());
            timing("runtime started", t0);
            if (!migrate.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("manage.py migrate did not finish in 60 s:\n" + tail(log));
            }
        } finally {
            migrate.destroyForcibly();   // a no-op once it has exited
        }
        assertThat(migrate.exitValue()).withFailMessage(() -> "manage.py migrate failed:\n" + tail(log)).isZero();
        env.put("OUTRIGGER_QUEUE_URL_DEFAULT", runtime.queueUrl("JobsDefaultQueue"));
        env.put("OUTRIGGER_QUEUE_URL_HEAVY", runtime.queueUrl("JobsHeavyQueue"));
        env.put("OUTRIGGER_QUEUE_URL_ORDERS", runtime.queueUrl("JobsOrdersQueue"));
        // jobs due more than 15 minutes ahead: one-time schedules in the template's deferred group, on the emulator
        env.put("OUTRIGGER_SCHEDULE_GROUP", runtime.template().resources().get("DeferredScheduleGroup").properties()
                .get("Name").toString());
        env.put("OUTRIGGER_SCHEDULER_ROLE_ARN", "arn:aws:iam::000000000000:role/outrigger-dev-deferred-scheduler");
        env.put("OUTRIGGER_SCHEDULER_ENDPOINT_URL", runtime.emulatorEndpoint().toString());
        env.put("OUTRIGGER_ENDPOINT_URL", runtime.sqsEndpoint().toString());
        env.put("AWS_REGION", runtime.template().endpoints().region());
        timing("Django " + djangoVersion + " migrated", t0);

        django = python(example, env, "manage.py", "runserver", "127.0.0.1:" + djangoPort, "--noreload")
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // If the JVM dies without @AfterAll (killed fork), the server must not outlive it.
        djangoReaper = new Thread(() -> django.destroyForcibly(), "django-e2e-reaper");
        Runtime.getRuntime().addShutdownHook(djangoReaper);
        awaitValue("example runserver answering /healthz (Django " + djangoVersion + ")", Duration.ofSeconds(30), () -> {
            if (!django.isAlive()) {
                throw new AssertionError("runserver exited with " + django.exitValue() + ":\n" + tail(log));
            }
            return get("healthz");
        }, r -> r != null && r.statusCode() == 200);
        timing("runserver answering", t0);
    }

    private static void timing(String what, long since) {
        System.out.printf("[django-e2e] %s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
    }

    /**
     * python3 with the chosen Django: {@code with-django VERSION python3 ARGS}. with-django ends in exec, so the process
     * started here is python itself, and destroying it stops the server (and, in the sid root, ends its mounts).
     */
    static ProcessBuilder python(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(withDjango().toString(), DJANGO, "python3"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    @AfterAll
    void stop() throws Exception {
        if (runtime == null && django == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            if (django != null) {
                django.destroy();
                if (!django.waitFor(5, TimeUnit.SECONDS)) {
                    django.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                Runtime.getRuntime().removeShutdownHook(djangoReaper);
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            timing("stopped", t0);
            deleteTree(tmp);
        }
    }

    // ------------------------------------------------------------------------------------------------------- tests

    @Test
    void task_publishedByDjangoAndDeliveredTwice_runsExactlyOnce() throws Exception {
        String jobId = "e2e-once-" + UUID.randomUUID();
        assertThat(publish("example.record", Map.of("label", "first"), jobId)).isEqualTo(jobId);
        awaitValue("the worker ran " + jobId + " in Django", DEADLINE, () -> taskRows(jobId), rows -> rows.size() == 1);

        // The same envelope id again: SQS at-least-once delivery, or a publisher retry.
        assertThat(publish("example.record", Map.of("label", "second"), jobId)).isEqualTo(jobId);
        awaitQueueDrained("JobsDefaultQueue");

        List<JsonNode> rows = taskRows(jobId);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("first");
        assertThat(rows.get(0).path("task").asText()).isEqualTo("example.record");
        // the second delivery reached Django, which answered "already done" without running the task, and the
        // worker deleted it (drained, not dead-lettered)
        awaitValue("Django's log line for the second delivery of " + jobId, DEADLINE, () -> djangoLog(),
                log -> log.contains("already done name=example.record id=" + jobId));
        collectDeadLetters();
        assertThat(deadLetters).doesNotContainKey(jobId);
    }

    @Test
    void task_raisingPermanentError_endsInDlqWithHttp422AndTheReason() throws Exception {
        String jobId = "e2e-permanent-" + UUID.randomUUID();
        publish("example.fail_permanently", Map.of("reason", "order 42 is cancelled"), jobId);

        Message dead = awaitValue("job " + jobId + " in the DLQ", DEADLINE, () -> {
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
        awaitValue("the next second", Duration.ofSeconds(3), () -> Instant.now().truncatedTo(ChronoUnit.SECONDS),
                now -> now.isAfter(first.scheduledTime()));
        LocalScheduler.Firing next = scheduler.fireNow("clearsessions");
        assertThat(next.succeeded()).as("clearsessions fired again: %s", next.error()).isTrue();
        rows = hookRows();
        assertThat(rows).extracting(n -> n.path("execution_id").asText()).containsExactly(first.executionId(), next.executionId());
        assertThat(rows.get(1).path("job_id").asText()).isNotEqualTo(jobId);
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
        assertThat(get("example/records").statusCode()).as("maintenance stayed off").isEqualTo(200);
        // the control: the very same signed call at the route it was signed for runs
        assertThat(callTask(jobId, secret, now, RECORD.path()).statusCode()).isEqualTo(200);
        assertThat(taskRows(jobId)).hasSize(1);
    }

    // ---------------------------------------------------------------- moving from Celery (clients/django README)

    @Test
    void celeryDelay_ofAnAutoretryTask_isRetriedAfterCeleryCountdown_thenRunsOnce() throws Exception {
        String jobId = celery("billing.tasks.send_receipt", "delay", List.of(7), Map.of());
        // the stand-in mail server refuses the first tries with ConnectionError: Django answers 500 with Celery's
        // countdown (retry_backoff=True: 0-1 s, then 0-2 s) as Retry-After, the worker waits that long
        List<JsonNode> rows = awaitValue("send_receipt ran after its retries", DEADLINE, () -> taskRows(jobId),
                r -> r.size() == 1);
        assertThat(rows.get(0).path("attempt").asInt()).isEqualTo(MAIL_FAILS_FIRST + 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("7");
        assertThat(djangoLog()).contains("failed name=billing.tasks.send_receipt id=" + jobId + " attempt=2");
        collectDeadLetters();
        assertThat(deadLetters).doesNotContainKey(jobId);
    }

    @Test
    void celeryApplyAsync_anExceptionCeleryWouldNotRetry_endsInTheDlqWithTheReason() throws Exception {
        String jobId = celery("billing.tasks.send_receipt", "apply_async", List.of(-1), Map.of(),
                Map.of("task_id", "e2e-celery-" + UUID.randomUUID()));
        Message dead = awaitValue("job " + jobId + " in the DLQ", DEADLINE, () -> {
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
        List<JsonNode> rows = awaitValue("the deferred job ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("dry run");
    }

    @Test
    void tasksFrameworkTask_delay_runsThroughTheWorker() throws Exception {
        String jobId = celery("billing.reports.build_report", "delay", List.of("2026-11"), Map.of());
        List<JsonNode> rows = awaitValue("build_report ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
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
        List<String> labels = awaitValue("the group's 12 jobs ran", DEADLINE, () -> records().path("tasks").findValuesAsText("label")
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
        List<JsonNode> rows = awaitValue("the job with a group ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
        assertThat(rows.get(0).path("label").asText()).isEqualTo("fair");
    }

    @Test
    void convertedBeatSchedule_pastedIntoTheTemplate_enqueuesItsTaskThroughTheScheduleHook() throws Exception {
        // example/celery-migration/schedules.yaml: the django-celery-beat row, converted
        LocalScheduler.Firing fired = scheduler.fireNow("monthly-invoices");
        assertThat(fired.succeeded()).as("monthly-invoices fired: %s", fired.error()).isTrue();
        JsonNode input = Json.MAPPER.readTree(fired.input());
        String jobId = "hook:billing.tasks.send_invoices:" + input.path("scheduled_time").asText();
        List<JsonNode> rows = awaitValue("send_invoices ran", DEADLINE, () -> taskRows(jobId), r -> r.size() == 1);
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
        return http.send(HttpRequest.newBuilder(djangoBase.resolve(path)).timeout(Duration.ofSeconds(10))
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

    // ----------------------------------------------------------------------------------------------------- helpers

    /** POST /example/publish: the example's view calls publish_on_commit inside transaction.atomic(). */
    private String publish(String task, Map<String, String> kwargs, String jobId) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("task", task);
        body.set("kwargs", Json.MAPPER.valueToTree(kwargs));
        body.put("job_id", jobId);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(djangoBase.resolve("example/publish"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
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
        return http.send(HttpRequest.newBuilder(djangoBase.resolve("internal/outrigger/" + sentTo))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .header(RequestSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                        .header(RequestSigner.SIGNATURE_HEADER,
                                RequestSigner.signature(signingSecret, timestamp, "POST", RECORD.path(), bytes))
                        .header(RequestSigner.JOB_ID_HEADER, jobId).header(RequestSigner.ATTEMPT_HEADER, "1")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode records() throws Exception {
        HttpResponse<String> r = get("example/records");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private List<JsonNode> taskRows(String jobId) throws Exception {
        return stream(records().path("tasks")).filter(n -> n.path("job_id").asText().equals(jobId)).toList();
    }

    /** Every hook row: only the hook test fires hooks (the template's schedules are created disabled here). */
    private List<JsonNode> hookRows() throws Exception {
        return stream(records().path("hooks")).toList();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(djangoBase.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads whatever is in the DLQ now into {@link #deadLetters}, by envelope id. */
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

    /** Waits until the queue holds nothing: no visible, in-flight (being worked on or backing off) or delayed message. */
    private void awaitQueueDrained(String queue) throws Exception {
        String url = runtime.queueUrl(queue);
        awaitValue(queue + " drained", DEADLINE, () -> runtime.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes(),
                attrs -> attrs.values().stream().allMatch("0"::equals));
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until done accepts the probe's value, or fails at the deadline naming what it waited for and what it saw. */
    private <T> T awaitValue(String what, Duration timeout, Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                lastError = e;   // e.g. the server is not listening yet
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; last seen: " + (lastError != null ? lastError : last)
                        + (tmp != null ? "\n--- django.log (tail) ---\n" + tail(tmp.resolve("django.log")) : ""));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------------------------------------------ set-up

    static Path withDjango() {
        return repositoryRoot().resolve("clients/django/with-django");
    }

    static Path repositoryRoot() {
        String property = System.getProperty("outrigger.root");
        Path start = property != null ? Path.of(property) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isDirectory(p.resolve("clients/django/example"))) {
                return p;
            }
        }
        throw new IllegalStateException("no template.yaml with clients/django/example above " + start);
    }

    /**
     * Skips the class, with the reason, when the chosen Django (or boto3 beside it) is not installed
     * (clients/django/install-deps.sh installs them). With CI=true it does not skip: @BeforeAll then fails with the
     * same reason, so CI can't pass without it.
     */
    static final class RequiresDjango implements ExecutionCondition {
        record Check(String version, String problem) {
        }

        private static Check check;

        static synchronized Check check() {
            if (check == null) {
                check = probe();
            }
            return check;
        }

        private static Check probe() {
            String what = "with-django " + DJANGO + " python3";
            try {
                Process p = new ProcessBuilder(withDjango().toString(), DJANGO, "python3", "-c",
                        "import django, boto3; print(django.get_version())").redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                String last = out.lines().reduce((a, b) -> b).orElse("");
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    // with-django's own message says what is missing and to run install-deps.sh
                    return new Check(null, last.startsWith("with-django:") ? last
                            : what + " cannot import django and boto3: " + last);
                }
                if (!last.startsWith(DJANGO + ".")) {
                    return new Check(null, what + " has Django " + last + ", not " + DJANGO);
                }
                return new Check(last, null);
            } catch (IOException e) {
                return new Check(null, what + " cannot be run (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Check(null, "interrupted while probing " + what);
            }
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Check c = check();
            if (c.version() != null || "true".equalsIgnoreCase(System.getenv("CI"))) {
                return ConditionEvaluationResult.enabled("Django " + c.version());
            }
            System.out.println("[django-e2e] SKIPPED: " + c.problem());
            return ConditionEvaluationResult.disabled("Django end-to-end test skipped: " + c.problem());
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    String djangoLog() throws IOException {
        return Files.readString(tmp.resolve("django.log"));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
