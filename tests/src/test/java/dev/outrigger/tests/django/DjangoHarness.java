package dev.outrigger.tests.django;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.LocalScheduler;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the Django ITs share: a real Django (one of the supported versions, run through
 * {@code clients/django/with-django}) on a free port of 127.0.0.1 with SQLite in a temp dir, and the embedded runtime
 * started from the real template.yaml, the way a developer runs {@code ./outrigger local up --env-file …}.
 *
 * <p>The system property {@code outrigger.django}, else the environment variable {@code OUTRIGGER_DJANGO}, picks the
 * Django (4.2, 5.2 or 6.1); the default is {@value #DEFAULT_DJANGO}, the newest. A test class using this carries
 * {@code @ExtendWith(RequiresDjango.class)}: skipped when that Django is not installed, failing under CI=true.
 */
final class DjangoHarness implements AutoCloseable {
    static final String DEFAULT_DJANGO = "6.1";
    /** The Django version under test, as with-django names it. */
    static final String DJANGO = System.getProperty("outrigger.django",
            System.getenv().getOrDefault("OUTRIGGER_DJANGO", DEFAULT_DJANGO));

    final Path root = repositoryRoot();
    final Path tmp;
    final String djangoVersion;
    /** Where Django listens: http://127.0.0.1:PORT/ (a free port, chosen before Django and the runtime start). */
    final URI djangoBase;
    final LocalScheduler scheduler = new LocalScheduler();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Everything the Django processes print. */
    final Path log;
    private final long startedNanos = System.nanoTime();
    private final String name;
    private final List<Process> processes = new ArrayList<>();
    private final Thread reaper;
    private LocalRuntime runtime;

    private DjangoHarness(String name) throws IOException {
        this.name = name;
        RequiresDjango.Check check = RequiresDjango.check();
        if (check.version() == null) {
            // only reached with CI=true (otherwise RequiresDjango skipped the class): CI must run this test
            throw new AssertionError("CI must run the Django test " + name + ": " + check.problem());
        }
        this.djangoVersion = check.version();
        this.tmp = Files.createTempDirectory("outrigger-" + name);
        this.log = tmp.resolve("django.log");
        this.djangoBase = URI.create("http://127.0.0.1:" + freePort() + "/");
        // If the JVM dies without close() (a killed fork), no server may outlive it.
        this.reaper = new Thread(this::destroyProcesses, "outrigger-" + name + "-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static DjangoHarness start(String name) throws IOException {
        return new DjangoHarness(name);
    }

    /** The base of Outrigger's endpoints, what the functions' DJANGO_BASE_URL must be. */
    URI outriggerBase() {
        return djangoBase.resolve("internal/outrigger/");
    }

    /**
     * Starts the runtime from the real template.yaml (on free ports unless options say otherwise), with an env file as
     * a developer writes it: DJANGO_BASE_URL at this Django, the literal signing secret (its ARN blanked, as `local up`
     * does for a literal secret), plus extra lines.
     */
    LocalRuntime startRuntime(String secret, Map<String, String> extraEnv, Consumer<RuntimeOptions.Builder> options)
            throws IOException {
        return startRuntime(root.resolve("template.yaml"), secret, extraEnv, options);
    }

    /** {@link #startRuntime(String, Map, Consumer)} from another template (template.yaml as a user extended it). */
    LocalRuntime startRuntime(Path template, String secret, Map<String, String> extraEnv,
                              Consumer<RuntimeOptions.Builder> options) throws IOException {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("DJANGO_BASE_URL", outriggerBase().toString());
        env.put("OUTRIGGER_SIGNING_SECRET", secret);
        env.put("OUTRIGGER_SIGNING_SECRET_ARN", "");
        env.putAll(extraEnv);
        Path envFile = tmp.resolve("local.env");
        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(envFile, lines);
        RuntimeOptions.Builder b = RuntimeOptions.builder(template).port(0).envFile(envFile)
                .extension(scheduler).serviceLoaderExtensions(false).stopGrace(Duration.ofSeconds(3)).console(System.out);
        options.accept(b);
        runtime = LocalRuntime.start(b.build());
        timing("runtime started");
        return runtime;
    }

    LocalRuntime runtime() {
        return runtime;
    }

    /** The environment Django processes start from: this JVM's, without a DJANGO_SETTINGS_MODULE of its own. */
    Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("DJANGO_SETTINGS_MODULE");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return env;
    }

    /**
     * {@link #baseEnv()} for the example project: its signing secret, its SQLite file in this harness's directory, and
     * the local runtime's dummy AWS credentials (no instance-metadata lookup when boto3 looks for them).
     */
    Map<String, String> exampleEnv(String signingSecret) {
        Map<String, String> env = baseEnv();
        env.put("OUTRIGGER_SIGNING_SECRET", signingSecret);
        env.put("EXAMPLE_DB_PATH", tmp.resolve("db.sqlite3").toString());
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    /**
     * A command with the chosen Django: {@code with-django VERSION COMMAND…}, in dir, with exactly env, output appended
     * to {@link #log}. with-django ends in exec, so the process is the command itself.
     */
    ProcessBuilder withDjango(Path dir, Map<String, String> env, String... command) {
        return withDjangoCommand(dir, env, command).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    /** {@code with-django VERSION COMMAND…} in dir with exactly env, stderr into stdout: for a caller that reads it. */
    static ProcessBuilder withDjangoCommand(Path dir, Map<String, String> env, String... command) {
        List<String> full = new ArrayList<>(List.of(withDjango().toString(), DJANGO));
        full.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    /** python3 with the chosen Django. */
    ProcessBuilder python(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        return withDjango(dir, env, command.toArray(String[]::new));
    }

    /** Starts pb; the harness stops it (and its children) in close(). */
    Process spawn(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Stops a process this harness started, and whatever it started, and waits for them to end. */
    void stop(Process p) {
        synchronized (processes) {
            processes.remove(p);
        }
        destroy(p);
    }

    /** Runs pb to its end within timeout; fails with the log's tail unless it exits 0. */
    void run(String what, ProcessBuilder pb, Duration timeout) throws Exception {
        finish(what, spawn(pb), timeout);
    }

    /** Waits for a spawned process to end within timeout; fails with the log's tail unless it exits 0. */
    void finish(String what, Process p, Duration timeout) throws Exception {
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            destroy(p);
            throw new AssertionError(what + " did not finish in " + timeout.toSeconds() + " s:\n" + tail());
        }
        assertThat(p.exitValue()).withFailMessage(() -> what + " failed (exit " + p.exitValue() + "):\n" + tail()).isZero();
        timing(what);
    }

    /** Starts a server process and waits until anything answers HTTP at djangoBase (any status counts). */
    Process serve(String what, ProcessBuilder pb) throws Exception {
        Process server = spawn(pb);
        await(what + " answering at " + djangoBase + " (Django " + djangoVersion + ")", Duration.ofSeconds(45), () -> {
            if (!server.isAlive()) {
                throw new AssertionError(what + " exited with " + server.exitValue() + ":\n" + tail());
            }
            return get("");
        }, r -> r != null);
        timing(what + " answering");
        return server;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(djangoBase.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, JsonNode body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(djangoBase.resolve(path)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    /** Waits until the queue holds nothing: no visible, in-flight (being worked on or backing off) or delayed message. */
    void awaitQueueDrained(String queue, Duration timeout) throws Exception {
        String url = runtime.queueUrl(queue);
        await(queue + " drained", timeout, () -> queueCounts(url), counts -> counts.values().stream().allMatch("0"::equals));
    }

    Map<QueueAttributeName, String> queueCounts(String url) {
        return runtime.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
    }

    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until done accepts the probe's value, or fails at the deadline naming what it waited for and what it saw. */
    <T> T await(String what, Duration timeout, Probe<T> probe, Predicate<T> done) throws Exception {
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
                        + "; last seen: " + (lastError != null ? lastError : last) + "\n--- django.log (tail) ---\n" + tail());
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            Thread.sleep(100);
        }
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    void timing(String what) {
        System.out.printf("[%s] %s after %d ms%n", name, what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
    }

    @Override
    public void close() throws IOException {
        try {
            destroyProcesses();
            Runtime.getRuntime().removeShutdownHook(reaper);
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            timing("stopped");
            deleteTree(tmp);
        }
    }

    private void destroyProcesses() {
        synchronized (processes) {
            processes.forEach(DjangoHarness::destroy);
            processes.clear();
        }
    }

    /** The process and whatever it started (a shell's runserver, runserver's autoreloader child). */
    private static void destroy(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    static Path withDjango() {
        return repositoryRoot().resolve("clients/django/with-django");
    }

    static Path repositoryRoot() {
        String property = System.getProperty("outrigger.root");
        Path start = property != null ? Path.of(property) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isDirectory(p.resolve("clients/django"))) {
                return p;
            }
        }
        throw new IllegalStateException("no template.yaml with clients/django above " + start);
    }

    /** A free port whose next one is free too: the runtime's SQS port and its emulator's (port + 1). */
    static int freePortPair() throws IOException {
        for (int tries = 0; tries < 50; tries++) {
            int port = freePort();
            try (var next = new java.net.ServerSocket(port + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports on 127.0.0.1");
    }

    static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
