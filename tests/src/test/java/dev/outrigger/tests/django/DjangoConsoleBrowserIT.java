package dev.outrigger.tests.django;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.LocalRuntime;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The Django admin's operations console in a real browser: Debian's Chromium, driven by playwright-core
 * ({@code clients/django/browser/console.mjs}), against the example project and the runtime started from the real
 * template.yaml ({@link DjangoHarness}). The real worker dead-letters five jobs for two reasons: three
 * {@code example.ship} jobs refused because their orders did not exist yet, two {@code example.crash} jobs that ran out
 * of attempts. Then the orders are written (the "fix") and the browser: sees the groups, dry-runs one reason (nothing
 * moves), is asked to confirm an unfiltered redrive, redrives the fixed reason through the real redrive function and
 * sees those jobs succeed in Job runs while the crash jobs stay; a user without the redrive permission cannot; pausing
 * the schedule group (the real toggle function) shows every schedule paused.
 *
 * <p>Needs /usr/bin/chromium and {@code npm ci} (playwright-core); skipped without them, failing instead under CI=true.
 * {@code -Doutrigger.screenshots=DIR} keeps the screenshots (the README's come from such a run). Run it alone with
 * {@code mvn -B -pl tests verify -Dit.test=DjangoConsoleBrowserIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(RequiresDjango.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DjangoConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void anOperatorSeesDeadLettersByReason_redrivesTheFixedOne_andPausesSchedules_inARealBrowser() throws Exception {
        Path root = DjangoHarness.repositoryRoot();
        boolean ci = "true".equals(System.getenv("CI"));
        boolean ready = Files.isExecutable(CHROMIUM) && Files.isDirectory(root.resolve("node_modules/playwright-core"));
        if (!ready && ci) {
            throw new AssertionError("CI must run the browser test: install chromium (apt-get install -y chromium) and run npm ci");
        }
        Assumptions.assumeTrue(ready, "needs /usr/bin/chromium (apt-get install -y chromium) and npm ci (playwright-core)");

        String secret = "console-" + UUID.randomUUID();
        try (DjangoHarness harness = DjangoHarness.start("django-console")) {
            Path example = harness.root.resolve("clients/django/example");
            Map<String, String> env = harness.exampleEnv(secret);
            Process migrate = harness.spawn(harness.python(example, env, "manage.py", "migrate", "-v", "0"));
            LocalRuntime runtime = harness.startRuntime(secret, Map.of("OUTRIGGER_BACKOFF_BASE_S", "1", "OUTRIGGER_BACKOFF_CAP_S", "2"),
                    b -> { });
            harness.finish("manage.py migrate (Django " + harness.djangoVersion + ")", migrate, Duration.ofSeconds(60));
            harness.run("create the admin and a view-only operator", harness.python(example, env, "manage.py", "shell", "-c", """
                    from django.contrib.auth.models import Permission, User
                    User.objects.create_superuser("admin", password="admin-pw")
                    viewer = User.objects.create_user("viewer", password="viewer-pw", is_staff=True)
                    viewer.user_permissions.set(Permission.objects.filter(codename__in=[
                        "view_deadletter", "view_schedule", "view_queue", "view_statemachine", "view_outriggerjobrun"]))
                    """), Duration.ofSeconds(60));

            env.put("OUTRIGGER_QUEUE_URL_DEFAULT", runtime.queueUrl("JobsDefaultQueue"));
            env.put("OUTRIGGER_QUEUE_URL_HEAVY", runtime.queueUrl("JobsHeavyQueue"));
            env.put("OUTRIGGER_ENDPOINT_URL", runtime.sqsEndpoint().toString());
            env.put("OUTRIGGER_CONSOLE_ENDPOINT_URL", runtime.emulatorEndpoint().toString());
            env.put("AWS_REGION", runtime.template().endpoints().region());
            // --insecure: runserver serves the admin's CSS without DEBUG, so the screenshots look as in production
            harness.serve("example runserver", harness.python(example, env, "manage.py", "runserver",
                    harness.djangoBase.getHost() + ":" + harness.djangoBase.getPort(), "--noreload", "--insecure"));

            String dlq = runtime.queueUrl("JobsDefaultDLQ");
            List<String> orders = List.of("A-1", "A-2", "A-3");
            for (String order : orders) {
                publish(harness, "example.ship", Map.of("order", order), null);
            }
            for (int i = 0; i < 2; i++) {
                publish(harness, "example.crash", Map.of(), 1);
            }
            harness.await("five dead letters", DEADLINE, () -> visible(runtime, dlq), n -> n == 5);
            // the fix: the orders exist now
            for (String order : orders) {
                publish(harness, "example.record", Map.of("label", order), null);
            }
            harness.awaitQueueDrained("JobsDefaultQueue", DEADLINE);

            // a deploy the local runtime runs: its ECS migrate task cannot run here, so it fails in that state
            String deployInput = Files.readString(root.resolve("events/statemachines/deploy-input.json"));
            HttpResponse<String> started = harness.http.send(java.net.http.HttpRequest.newBuilder(runtime.emulatorEndpoint())
                    .header("X-Amz-Target", "AWSStepFunctions.StartExecution").header("Content-Type", "application/x-amz-json-1.0")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Json.MAPPER.createObjectNode()
                            .put("stateMachineArn", runtime.template().stateMachines().get("DeployStateMachine").arn())
                            .put("name", "deploy-3f9c2ab").put("input", deployInput).toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as("StartExecution: %s", started.body()).isEqualTo(200);

            String group = String.valueOf(runtime.template().resources().get("ScheduleGroup").properties().get("Name"));
            Path shots = Path.of(System.getProperty("outrigger.screenshots", harness.tmp.resolve("screenshots").toString()));
            ProcessBuilder node = new ProcessBuilder("node", root.resolve("clients/django/browser/console.mjs").toString())
                    .directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(harness.log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            node.environment().putAll(Map.of("CONSOLE_BASE_URL", harness.djangoBase.toString(),
                    "CONSOLE_DLQ", runtime.template().queue("JobsDefaultDLQ").orElseThrow().name(), "CONSOLE_GROUP", group,
                    "CONSOLE_ADMIN", "admin:admin-pw", "CONSOLE_VIEWER", "viewer:viewer-pw",
                    "CONSOLE_SCREENSHOTS", shots.toString()));
            harness.run("the browser test (clients/django/browser/console.mjs)", node, Duration.ofSeconds(180));

            // what the browser saw, checked from the other side
            assertThat(visible(runtime, dlq)).isEqualTo(2);
            assertThat(harness.log()).contains("[browser] all checks passed");
        }
    }

    private static int visible(LocalRuntime runtime, String url) {
        return Integer.parseInt(runtime.sqs().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static void publish(DjangoHarness harness, String task, Map<String, Object> kwargs, Integer maxAttempts) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("task", task);
        body.set("kwargs", Json.MAPPER.valueToTree(kwargs));
        if (maxAttempts != null) {
            body.put("max_attempts", maxAttempts);
        }
        HttpResponse<String> r = harness.postJson("example/publish", body);
        assertThat(r.statusCode()).as("publish %s: %s", task, r.body()).isEqualTo(200);
    }
}
