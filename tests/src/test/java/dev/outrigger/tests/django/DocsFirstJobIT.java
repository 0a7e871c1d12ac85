package dev.outrigger.tests.django;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.local.runtime.LocalAlarmEvaluator;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.LocalScheduler;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.ScheduleDef;
import dev.outrigger.tests.django.ReadmeSnippets.Marker;
import dev.outrigger.tests.django.ReadmeSnippets.Snippet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Docs are tests: the package README's walkthrough, from {@code django-admin startproject} to a first job through
 * {@code ./outrigger local up}, built from the snippets of clients/django/README.md themselves ({@link ReadmeSnippets}:
 * the {@code <!-- docs-test: … -->} line before each fence says what to do with it), in a temp dir, on Django
 * {@value DjangoHarness#DEFAULT_DJANGO} (with-django; {@code -Doutrigger.django} picks another), in document order.
 *
 * <p>As written, except where a test must differ from a developer's machine, each difference named here: the package
 * is on PYTHONPATH instead of pip-installed; the ports are free ones instead of 9324/9325 (the runtime's SQS and
 * emulator) and 8000 (runserver's default, the template's DjangoBaseUrl), so every snippet gets them substituted and
 * {@code runserver} its address; the runtime is started in process from template.yaml as DjangoEndToEndIT starts it
 * ({@link DjangoHarness}), with the signing secret that the local-up snippet's lines export. The environment has no AWS
 * credentials or settings: a new machine has none.
 *
 * <p>Then the first job has run, every schedule the template enables has fired through the schedule-hook function and
 * succeeded, every queue is drained, every dead-letter queue is empty, Django logged no traceback, and the template's
 * alarms, evaluated as `local up` does, have published nothing to the ops topic's SNS sink: no error, no alarm.
 */
@ExtendWith(RequiresDjango.class)
class DocsFirstJobIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final Pattern PRINTS = Pattern.compile("^\\s*print\\(.*\\)\\s+#\\s+(.+?)\\s*$", Pattern.MULTILINE);
    private static final Pattern RUNSERVER = Pattern.compile("(manage\\.py runserver)[ \\t]*(#.*)?$", Pattern.MULTILINE);
    private static final Pattern LOCAL_QUEUE_URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/(\\d+)/([\\w-]+)");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theReadmesFirstJob_inAFreshStartproject_getsThroughLocalUp_withNoErrorAndNoAlarm() throws Exception {
        List<Snippet> snippets = ReadmeSnippets.read(DjangoHarness.repositoryRoot().resolve("clients/django/README.md"), null);
        assertThat(ReadmeSnippets.problems(snippets)).isEmpty();

        try (DjangoHarness h = DjangoHarness.start("docs-first-job")) {
            int sqsPort = DjangoHarness.freePortPair();
            Map<String, String> ports = Map.of("127.0.0.1:9324", "127.0.0.1:" + sqsPort, "127.0.0.1:9325",
                    "127.0.0.1:" + (sqsPort + 1), "127.0.0.1:8000", h.djangoBase.getHost() + ":" + h.djangoBase.getPort());
            Path work = Files.createDirectories(h.tmp.resolve("work"));
            Files.createDirectories(work.resolve("outrigger"));   // where the snippets expect the checkout
            Path project = work.resolve(ReadmeSnippets.PROJECT);
            Map<String, String> env = newMachineEnv(h);
            LocalAlarmEvaluator alarms = new LocalAlarmEvaluator(Duration.ofSeconds(1), Clock.systemUTC());
            compilePython(h, snippets, env);

            Process server = null;
            List<String> written = new ArrayList<>();
            int firstJobs = 0;
            for (Snippet s : snippets) {
                String code = substitute(s.code(), ports, h);
                String what = s.where() + " (" + s.markerText() + ")";
                switch (s.marker()) {
                    case Marker.RunInEmptyDirectory r -> h.run(what, shell(h, work, env, code), RUN);
                    case Marker.RunInProject r -> h.run(what, shell(h, project, env, code), RUN);
                    case Marker.RunInBackground r -> {
                        if (server != null) {
                            h.stop(server);
                        }
                        server = h.serve(what, shell(h, project, env, code));
                    }
                    case Marker.Pipe p -> {
                        pipe(h, what, project, env, p.command(), code);
                        firstJobs++;
                    }
                    case Marker.Write w -> {
                        Path file = project.resolve(w.path());
                        Files.createDirectories(file.getParent());
                        Files.writeString(file, code);
                        written.add(code);
                    }
                    case Marker.Append a -> {
                        Files.writeString(project.resolve(a.path()), "\n\n" + code, StandardOpenOption.APPEND);
                        written.add(code);
                    }
                    case Marker.LocalUp l -> startLocalUp(h, project, code, sqsPort, alarms);
                    case Marker.Skip k -> {
                    }
                    case null -> {
                        // a JSON or other data fence (code fences are all marked: problems() above)
                    }
                }
            }
            LocalRuntime runtime = h.runtime();
            assertThat(runtime).as("the README starts ./outrigger local up").isNotNull();
            assertThat(firstJobs).as("the README sends a first job").isPositive();

            // The README's queue URLs are the ones the stack creates.
            for (String text : written) {
                Matcher url = LOCAL_QUEUE_URL.matcher(text);
                while (url.find()) {
                    if (url.group(1).equals(Integer.toString(sqsPort))) {
                        assertThat(runtime.template().queue(url.group(3)).map(QueueDef::url)).as("queue URL %s", url.group())
                                .contains(url.group());
                    }
                }
            }
            // local up calls Django where runserver listens by default: the template's DjangoBaseUrl
            assertThat(runtime.template().parameters()).containsEntry("DjangoBaseUrl", "http://127.0.0.1:8000/internal/outrigger/");

            for (QueueDef q : runtime.template().queues().values()) {
                if (!runtime.template().deadLetterQueues().contains(q.logicalId()) && q.redrive() != null) {
                    h.awaitQueueDrained(q.logicalId(), Duration.ofSeconds(60));
                }
            }
            // the day-one schedules: every one the template enables succeeds against the new project
            List<String> enabled = new ArrayList<>();
            for (ScheduleDef d : runtime.template().schedules()) {
                if (d.enabled()) {
                    enabled.add(d.name());
                    LocalScheduler.Firing f = h.scheduler.fireNow(d.name());
                    assertThat(f.succeeded()).as("schedule %s: %s", d.name(), f.error()).isTrue();
                }
            }
            assertThat(enabled).contains("clearsessions", "health-ping", "outrigger-prune").doesNotContain("weekly-report");

            // no error: nothing dead-lettered anywhere, no traceback in Django's output
            for (QueueDef q : runtime.template().queues().values()) {
                if (runtime.template().deadLetterQueues().contains(q.logicalId()) || q.logicalId().equals("SchedulerDLQ")) {
                    Map<QueueAttributeName, String> counts = h.queueCounts(q.url());
                    assertThat(counts.values()).as("%s holds nothing: %s", q.logicalId(), counts).allMatch("0"::equals);
                }
            }
            assertThat(h.log()).doesNotContain("Traceback");
            // no alarm: the template's alarms, evaluated now, stay OK, and nothing reached the ops topic
            assertThat(alarms.evaluateOnce()).isEmpty();
            assertThat(alarms.states()).isNotEmpty().allSatisfy((alarm, state) -> assertThat(state).as(alarm).isNotEqualTo("ALARM"));
            assertThat(runtime.snsSink().records()).as("messages on SNS topics").isEmpty();
        }
    }

    /** A new machine's environment: no AWS credentials or settings of this one; the package from the checkout. */
    private static Map<String, String> newMachineEnv(DjangoHarness h) {
        Map<String, String> env = new HashMap<>(h.baseEnv());
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("OUTRIGGER_"));
        env.put("PYTHONPATH", h.root.resolve("clients/django").toString());
        return env;
    }

    private static String substitute(String code, Map<String, String> ports, DjangoHarness h) {
        String out = code;
        for (Map.Entry<String, String> p : ports.entrySet()) {
            out = out.replace(p.getKey(), p.getValue());
        }
        String address = h.djangoBase.getHost() + ":" + h.djangoBase.getPort();
        return RUNSERVER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " " + address
                + (m.group(2) == null ? "" : "  " + m.group(2))));
    }

    private static ProcessBuilder shell(DjangoHarness h, Path dir, Map<String, String> env, String code) {
        return h.withDjango(dir, env, "bash", "-euo", "pipefail", "-c", code);
    }

    /** Feeds the snippet to command's standard input; the output must say what the snippet's print comments say. */
    private static void pipe(DjangoHarness h, String what, Path project, Map<String, String> env, String command, String code)
            throws Exception {
        Path input = Files.writeString(h.tmp.resolve("snippet-" + System.nanoTime() + ".py"), code);
        Path output = h.tmp.resolve(input.getFileName() + ".out");
        Process p = h.spawn(shell(h, project, env, command).redirectInput(input.toFile()).redirectOutput(output.toFile()));
        p.waitFor(RUN.toSeconds(), TimeUnit.SECONDS);
        String printed = Files.readString(output);
        Files.writeString(h.log, printed, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        h.finish(what, p, RUN);   // exit 0, else the failure shows the output's end
        Matcher expected = PRINTS.matcher(code);
        while (expected.find()) {
            assertThat(printed).as("%s prints what its comment says", what).contains(expected.group(1));
        }
    }

    /**
     * `./outrigger local up`, as the snippet starts it: the lines before it run in a shell (from the project directory,
     * where the reader is), and the runtime takes the signing secret from that environment, as `local up` does.
     */
    private static void startLocalUp(DjangoHarness h, Path project, String code, int sqsPort, LocalAlarmEvaluator alarms)
            throws Exception {
        List<String> lines = new ArrayList<>(code.lines().toList());
        while (lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.set(lines.size() - 1, "env -0");
        Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", String.join("\n", lines)).directory(project.toFile())
                .redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("the lines before ./outrigger local up ran").isTrue();
        String secret = null;
        for (String entry : out.split("\0")) {
            if (entry.startsWith("OUTRIGGER_SIGNING_SECRET=")) {
                secret = entry.substring("OUTRIGGER_SIGNING_SECRET=".length());
            }
        }
        assertThat(secret).as("the environment of local up has OUTRIGGER_SIGNING_SECRET").isNotBlank();
        h.startRuntime(secret, Map.of(), b -> b.port(sqsPort).extension(alarms));
    }

    /** Every Python snippet compiles with the chosen Django's Python, those the test does not run too. */
    private static void compilePython(DjangoHarness h, List<Snippet> snippets, Map<String, String> env) throws Exception {
        Path dir = Files.createDirectories(h.tmp.resolve("compile"));
        List<String> command = new ArrayList<>(List.of("python3", "-m", "py_compile"));
        for (Snippet s : snippets) {
            if (s.language().equals("python")) {
                command.add(Files.writeString(dir.resolve("readme_line_" + s.line() + ".py"), s.code()).toString());
            }
        }
        h.run("the README's Python snippets compile", h.withDjango(dir, env, command.toArray(String[]::new)), RUN);
    }
}
