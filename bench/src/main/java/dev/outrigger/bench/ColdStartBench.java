package dev.outrigger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.testing.LambdaJvm;
import dev.outrigger.testing.MotoServer;
import dev.outrigger.testing.RuntimeApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Cold start the way the Lambda java21 managed runtime starts a function: a fresh JVM with the runtime's flags (heap
 * from the function's MemorySize), the runtime interface client as the main class with the handler name as its
 * argument, the function's artifact as the task root (the client's class loader reads {@code <task root>/lib/*.jar},
 * the working directory, as on Lambda), and a Runtime API on 127.0.0.1 ({@link RuntimeApi}). One figure per run:
 * process start (the parent's clock, just before the spawn) to the function's response posted to the Runtime API.
 * The JVM is then killed, as Lambda freezes it.
 *
 * <p>The floor is a hello-world handler started the same way. Subjects run interleaved round by round (floor, then
 * every function, then the floor again…), one discarded round first; each figure is a median and a ratio to the
 * floor's median. One extra, untimed run per subject logs class loading for the classes-by-package table.
 */
final class ColdStartBench {
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** The template's default SigningSecretArn is a Secrets Manager ARN, so signing functions get that layer. */
    static final String SECRET_LAYER = "SecretsManagerSecretLayer";

    private final BenchMain bench;
    private final BenchMain.Context ctx;

    ColdStartBench(BenchMain bench, BenchMain.Context ctx) {
        this.bench = bench;
        this.ctx = ctx;
    }

    /**
     * One function as it is measured.
     *
     * @param key       short name (the classes table's column, {@code bench.coldSubjects})
     * @param name      the table's row
     * @param taskRoot  what Lambda unpacks to /var/task: lib/ holds the function's jars and its layers' java/lib jars
     * @param check     whether the response shows the run did the work it should
     * @param djangoCalls signed calls the stand-in Django must have answered (all signatures valid)
     */
    record Subject(String key, String name, String function, Path taskRoot, TemplateFunctions.Function template, byte[] event,
                   Map<String, String> env, Predicate<JsonNode> check, int djangoCalls, List<Path> jars) {
    }

    void run() throws Exception {
        TemplateFunctions template = TemplateFunctions.load(bench.root.resolve("template.yaml"));
        Set<String> only = new LinkedHashSet<>(List.of(System.getProperty("bench.coldSubjects", "").split(",")));
        only.remove("");
        MotoServer moto = null;
        try {
            try {
                moto = MotoServer.start(bench.root);
            } catch (IOException e) {
                BenchMain.progress("moto is not available (" + e.getMessage() + "): the rows that need SNS or Secrets Manager are skipped");
            }
            List<Subject> subjects = subjects(template, moto);
            subjects.removeIf(s -> !only.isEmpty() && !s.key().equals("hello") && !only.contains(s.key().replaceAll("@.*", "")));
            measure(subjects);
        } finally {
            if (moto != null) {
                moto.close();
            }
        }
    }

    private List<Subject> subjects(TemplateFunctions template, MotoServer moto) throws Exception {
        String queueArn = ctx.sqs().queueArn();
        byte[] tenJobs = Events.sqsEvent(queueArn, 10, 0, "cold").getBytes(StandardCharsets.UTF_8);
        byte[] tenJobsOneRetry = Events.sqsEvent(queueArn, 10, 0, "retry", 9).getBytes(StandardCharsets.UTF_8);
        byte[] hookEvent = Files.readAllBytes(bench.root.resolve("events/scheduler/clearsessions-call.json"));
        byte[] alarmEvent = Files.readAllBytes(bench.root.resolve("events/alarms/worker-errors.json"));
        byte[] statusEvent = Files.readString(bench.root.resolve("events/ops/redrive-status.json"))
                .replace("outrigger-dev-jobs-default-dlq", LocalSqs.DLQ).getBytes(StandardCharsets.UTF_8);

        Map<String, String> base = new LinkedHashMap<>();
        base.put("AWS_ENDPOINT_URL_SQS", ctx.sqs().endpoint());
        base.put("DJANGO_BASE_URL", ctx.fast().baseUrl());
        base.put("OUTRIGGER_SIGNING_SECRET", BenchMain.SIGNING_SECRET);
        base.put("OUTRIGGER_ENV", "dev");
        base.put("POWERTOOLS_METRICS_NAMESPACE", "Outrigger");
        String topicArn = "arn:aws:sns:us-east-1:000000000000:outrigger-bench-ops";
        String secretArn = null;
        if (moto != null) {
            base.put("AWS_ENDPOINT_URL_SNS", moto.endpoint());
            topicArn = createTopic(moto);
            secretArn = createSecret(moto);
        }
        String sqsUrl = ctx.sqs().client().getQueueUrl(r -> r.queueName(LocalSqs.QUEUE)).queueUrl();

        List<Subject> out = new ArrayList<>();
        Path helloRoot = taskRoot("hello", List.of(Path.of(bench.helloJar)));
        out.add(new Subject("hello", "hello-world", "hello-world", helloRoot,
                new TemplateFunctions.Function("HelloWorld", BenchMain.HELLO + "::handleRequest", BenchMain.MEMORY_MB, 60),
                tenJobs, base, r -> r.asText().equals("hello, 10 records"), 0, jars(helloRoot)));

        List<Path> artifactRoots = new ArrayList<>(List.of(bench.artifacts));
        artifactRoots.addAll(bench.baselines);
        for (Path artifacts : artifactRoots) {
            boolean isBaseline = bench.baselines.contains(artifacts);
            String suffix = isBaseline ? "@" + baselineLabel(artifacts) : "";
            String label = isBaseline ? " [" + baselineLabel(artifacts) + "]" : "";

            TemplateFunctions.Function worker = template.function("JobWorkerFunction");
            Map<String, String> workerEnv = new LinkedHashMap<>(base);
            workerEnv.put("POWERTOOLS_SERVICE_NAME", "job-worker");
            workerEnv.put("OUTRIGGER_SNS_TOPIC_OPS", topicArn);
            Path workerRoot = functionRoot(artifacts, "JobWorkerFunction", suffix, true);
            if (workerRoot != null) {
                out.add(new Subject("worker" + suffix, "job-worker" + label, "JobWorkerFunction", workerRoot, worker, tenJobs, workerEnv,
                        failures(0), 10, jars(workerRoot)));
                out.add(new Subject("worker-retry" + suffix, "job-worker, 1 of 10 retried" + label, "JobWorkerFunction", workerRoot, worker,
                        tenJobsOneRetry, workerEnv, failures(1), 10, jars(workerRoot)));
                if (secretArn != null) {
                    Map<String, String> fromSecretsManager = new LinkedHashMap<>(workerEnv);
                    fromSecretsManager.remove("OUTRIGGER_SIGNING_SECRET");
                    fromSecretsManager.put("OUTRIGGER_SIGNING_SECRET_ARN", secretArn);
                    fromSecretsManager.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint());
                    out.add(new Subject("worker-sm" + suffix, "job-worker, secret from Secrets Manager" + label, "JobWorkerFunction",
                            workerRoot, worker, tenJobs, fromSecretsManager, failures(0), 10, jars(workerRoot)));
                }
            }
            Path hookRoot = functionRoot(artifacts, "ScheduleHookFunction", suffix, true);
            if (hookRoot != null) {
                Map<String, String> hookEnv = new LinkedHashMap<>(base);
                hookEnv.put("POWERTOOLS_SERVICE_NAME", "schedule-hook");
                hookEnv.put("HOOK_TIMEOUT_S", "45");
                hookEnv.put("JOBS_QUEUE_URL", sqsUrl);
                hookEnv.put("JOBS_QUEUE_URL_HEAVY", sqsUrl);
                out.add(new Subject("hook" + suffix, "schedule-hook (call)" + label, "ScheduleHookFunction", hookRoot,
                        template.function("ScheduleHookFunction"), hookEvent, hookEnv, r -> r.path("status").asInt() == 200, 1, jars(hookRoot)));
            }
            if (moto != null) {
                Path alarmRoot = functionRoot(artifacts, "AlarmNotifierFunction", suffix, false);
                if (alarmRoot != null) {
                    Map<String, String> alarmEnv = new LinkedHashMap<>(base);
                    alarmEnv.put("POWERTOOLS_SERVICE_NAME", "alarm-notifier");
                    alarmEnv.put("OUTRIGGER_OPS_TOPIC_ARN", topicArn);
                    out.add(new Subject("alarm" + suffix, "alarm-notifier (SNS publish)" + label, "AlarmNotifierFunction", alarmRoot,
                            template.function("AlarmNotifierFunction"), alarmEvent, alarmEnv, r -> !r.path("messageId").asText().isEmpty(), 0,
                            jars(alarmRoot)));
                }
            }
            Path redriveRoot = functionRoot(artifacts, "DlqRedriveFunction", suffix, false);
            if (redriveRoot != null) {
                Map<String, String> redriveEnv = new LinkedHashMap<>(base);
                redriveEnv.put("POWERTOOLS_SERVICE_NAME", "dlq-redrive");
                redriveEnv.put("OUTRIGGER_OPS_TOPIC_ARN", topicArn);
                out.add(new Subject("redrive" + suffix, "dlq-redrive (status)" + label, "DlqRedriveFunction", redriveRoot,
                        template.function("DlqRedriveFunction"), statusEvent, redriveEnv, r -> r.isObject() && !r.isEmpty(), 0,
                        jars(redriveRoot)));
            }
        }
        return out;
    }

    /** A baseline's name in keys and rows: its directory's name (bench/run --baseline DIR[,DIR…]). */
    static String baselineLabel(Path dir) {
        return dir.getFileName().toString();
    }

    private static Predicate<JsonNode> failures(int expected) {
        return r -> r.path("batchItemFailures").isArray() && r.path("batchItemFailures").size() == expected;
    }

    /**
     * The task root of a function from a directory laid out as {@code sam build} lays out .aws-sam/build: the function's
     * artifact in {@code <LogicalId>/lib/}, a layer's in {@code <LayerLogicalId>/java/lib/}. Lambda puts layers under
     * /opt/java/lib, a second directory the same class loader reads after the task root's lib/; here both go in lib/.
     * Null when the directory has no artifact for the function (the row is skipped).
     */
    private Path functionRoot(Path artifacts, String logicalId, String suffix, boolean signs) throws IOException {
        Path lib = artifacts.resolve(logicalId).resolve("lib");
        if (!Files.isDirectory(lib)) {
            BenchMain.progress("no artifact for " + logicalId + " in " + artifacts + ": its rows are skipped");
            return null;
        }
        List<Path> jars = new ArrayList<>(list(lib));
        Path layer = artifacts.resolve(SECRET_LAYER).resolve("java").resolve("lib");
        if (signs && Files.isDirectory(layer)) {
            jars.addAll(list(layer));
        }
        return taskRoot(logicalId + suffix, jars);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    private Path taskRoot(String name, List<Path> jars) throws IOException {
        Path root = bench.work.resolve("task-" + name.replaceAll("[^A-Za-z0-9@-]", "_"));
        Path lib = root.resolve("lib");
        Files.createDirectories(lib);
        for (Path jar : jars) {
            Files.copy(jar, lib.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return root;
    }

    private static List<Path> jars(Path taskRoot) throws IOException {
        return list(taskRoot.resolve("lib"));
    }

    private String createTopic(MotoServer moto) {
        try (var sns = software.amazon.awssdk.services.sns.SnsClient.builder().endpointOverride(java.net.URI.create(moto.endpoint()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(LocalSqs.CREDENTIALS)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            return sns.createTopic(r -> r.name("outrigger-bench-ops")).topicArn();
        }
    }

    private String createSecret(MotoServer moto) {
        try (var sm = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .endpointOverride(java.net.URI.create(moto.endpoint())).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(LocalSqs.CREDENTIALS)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            return sm.createSecret(r -> r.name("outrigger/bench/signing").secretString(BenchMain.SIGNING_SECRET)).arn();
        }
    }

    /** One run's figures. */
    record Sample(double readyMs, double initMs, double invokeMs, double hwmMiB, String response) {
    }

    private Sample once(Subject s, List<String> extraFlags) throws Exception {
        List<String> flags = new ArrayList<>(LambdaJvm.lambdaFlags(s.template().memoryMb()));
        flags.addAll(extraFlags);
        String requestId = java.util.UUID.randomUUID().toString();
        String functionName = "outrigger-bench-" + s.key().replace("@", "-");
        long requestsBefore = ctx.fast().requests();
        long rejectedBefore = ctx.fast().rejected();
        try (RuntimeApi api = new RuntimeApi(s.event(), requestId, "arn:aws:lambda:us-east-1:000000000000:function:" + functionName,
                s.template().timeoutS() * 1000L)) {
            Map<String, String> env = new LinkedHashMap<>(managedRuntimeEnv(s, functionName));
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());
            env.putAll(s.env());
            try (ChildJvm.Started child = ChildJvm.start(flags, bench.ricClasspath(), RIC_MAIN, List.of(s.template().handler()), env,
                    s.taskRoot())) {
                RuntimeApi.Outcome o = api.await(child.process(), Duration.ofMinutes(2), child.output());
                double hwm = vmHwmMiB(child.process().pid());
                if (!o.ok()) {
                    throw new IllegalStateException(s.name() + " failed: " + o.error() + "\n" + LambdaJvm.tail(child.output().toString(), 30));
                }
                JsonNode response = Json.MAPPER.readTree(o.response());
                if (!s.check().test(response)) {
                    throw new IllegalStateException(s.name() + ": unexpected response " + o.responseText() + "\n"
                            + LambdaJvm.tail(child.output().toString(), 30));
                }
                long calls = ctx.fast().requests() - requestsBefore;
                long rejected = ctx.fast().rejected() - rejectedBefore;
                if (calls != s.djangoCalls() || rejected != 0) {
                    throw new IllegalStateException(s.name() + ": Django saw " + calls + " calls (" + rejected + " with a bad signature), expected "
                            + s.djangoCalls() + " signed ones");
                }
                return new Sample((o.doneAtNanos() - child.spawnNanos()) / 1e6, (o.nextAtNanos() - child.spawnNanos()) / 1e6,
                        (o.doneAtNanos() - o.nextAtNanos()) / 1e6, hwm, o.responseText());
            }
        }
    }

    /** What the managed runtime sets ({@link LambdaJvm#managedRuntimeEnv}), in the bench's region. */
    private Map<String, String> managedRuntimeEnv(Subject s, String functionName) {
        return LambdaJvm.managedRuntimeEnv(s.template().handler(), functionName, s.template().memoryMb(), "us-east-1", s.taskRoot(),
                bench.ricLib);
    }

    private static double vmHwmMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return Double.NaN;
    }

    private void measure(List<Subject> subjects) throws Exception {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (int round = 0; round < bench.runs + 1; round++) {
            for (Subject s : subjects) {
                Sample sample = once(s, List.of());
                if (round > 0) { // round 0 warms the page cache for the jars, as a deployed function's are
                    samples.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(sample);
                }
            }
            BenchMain.progress("cold start round " + round + "/" + bench.runs);
        }
        Map<String, ClassLoadLog> classes = new LinkedHashMap<>();
        for (Subject s : subjects) {
            Path log = bench.work.resolve("classes-" + s.key().replace("@", "-") + ".log");
            once(s, List.of("-Xlog:class+load=info:file=" + log));
            classes.put(s.key(), ClassLoadLog.read(log));
            String keep = System.getProperty("bench.classLogs", "");
            if (!keep.isEmpty()) {
                Files.createDirectories(Path.of(keep));
                Files.copy(log, Path.of(keep).resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(log);
        }
        report(subjects, samples, classes);
    }

    private void report(List<Subject> subjects, Map<String, List<Sample>> samples, Map<String, ClassLoadLog> classes) {
        ObjectNode out = bench.json.putObject("coldStart");
        out.put("method", "runtime interface client " + RIC_MAIN + ", Runtime API on 127.0.0.1, process start -> response posted");
        List<Sample> floor = samples.get("hello");
        double floorMs = median(floor, Sample::readyMs);
        ClassLoadLog floorClasses = classes.get("hello");
        for (Subject s : subjects) {
            List<Sample> m = samples.get(s.key());
            double ready = median(m, Sample::readyMs);
            double ratio = Stats.ratio(ready, floorMs);
            List<Double> paired = new ArrayList<>();
            for (int i = 0; i < m.size(); i++) {
                paired.add(m.get(i).readyMs() / floor.get(i).readyMs());
            }
            ObjectNode o = out.putObject(s.key());
            o.put("name", s.name());
            o.put("readyMedianMs", ready);
            o.put("readyP90Ms", Stats.percentile(m.stream().map(Sample::readyMs).toList(), 90));
            o.put("initMedianMs", median(m, Sample::initMs));
            o.put("invokeMedianMs", median(m, Sample::invokeMs));
            o.put("hwmMedianMiB", median(m, Sample::hwmMiB));
            o.put("ratioToHello", ratio);
            o.put("pairedRatioMedian", Stats.median(paired));
            ClassLoadLog c = classes.get(s.key());
            o.put("classesLoaded", c.total());
            o.put("classesFromJars", c.fromJars());
            o.set("classesByGroup", Json.MAPPER.valueToTree(c.byGroup()));
            double artifactKb = s.jars().stream().mapToDouble(BenchMain::kb).sum();
            o.put("artifactKb", artifactKb);

            String what = s.key().startsWith("worker") ? ": start -> 10-job response posted" : ": start -> response posted";
            bench.table.add("coldstart", s.name() + what, ready, "ms", ratio, "hello-world",
                    s.key().equals("hello") ? "the floor" : String.format(Locale.ROOT, "paired per round: %.2fx", Stats.median(paired)));
            bench.table.add("coldstart", "  start -> /next (init) | /next -> response", Double.NaN, "", Double.NaN, "",
                    String.format(Locale.ROOT, "%.0f | %.0f ms (p90 %.0f ms)", median(m, Sample::initMs), median(m, Sample::invokeMs),
                            Stats.percentile(m.stream().map(Sample::readyMs).toList(), 90)));
            bench.table.add("coldstart", "  peak RSS (VmHWM at the response)", median(m, Sample::hwmMiB), "MiB",
                    Stats.ratio(median(m, Sample::hwmMiB), median(floor, Sample::hwmMiB)), "hello-world", null);
            bench.table.add("coldstart", "  classes loaded", c.total(), "", Stats.ratio(c.total(), floorClasses.total()), "hello-world",
                    c.fromJars() + " from jars");
            if (!s.key().startsWith("worker-")) {
                bench.table.add("coldstart", "  artifact (task root lib/)", artifactKb / 1024.0, "MiB", Double.NaN, "",
                        String.join(" + ", s.jars().stream().map(j -> j.getFileName().toString()).toList()));
            }
            for (Path baseline : bench.baselines) {
                String baselineKey = s.key() + "@" + baselineLabel(baseline);
                if (samples.containsKey(baselineKey)) {
                    double before = median(samples.get(baselineKey), Sample::readyMs);
                    bench.table.add("coldstart", "  against " + baselineLabel(baseline), ready, "ms", Stats.ratio(ready, before),
                            baselineLabel(baseline), String.format(Locale.ROOT, "%s: %.0f ms = %.2fx hello-world; classes %d -> %d",
                                    baselineLabel(baseline), before, Stats.ratio(before, floorMs), classes.get(baselineKey).total(), c.total()));
                }
            }
        }
        bench.notes.add(classTable(subjects, classes));
    }

    /** Classes by package group, one column per subject: the groups with at least 20 classes somewhere. */
    static String classTable(List<Subject> subjects, Map<String, ClassLoadLog> classes) {
        Map<String, Integer> largest = new TreeMap<>();
        classes.values().forEach(c -> c.byGroup().forEach((g, n) -> largest.merge(g, n, Math::max)));
        List<String> groups = largest.entrySet().stream().filter(e -> e.getValue() >= 20)
                .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue())).map(Map.Entry::getKey).toList();
        StringBuilder out = new StringBuilder("\nclasses loaded by package, process start -> response posted (one run each, -Xlog:class+load)\n");
        out.append(String.format(Locale.ROOT, "%-58s", "package"));
        for (Subject s : subjects) {
            out.append(String.format(Locale.ROOT, " %16s", s.key()));
        }
        out.append('\n');
        for (String g : groups) {
            out.append(String.format(Locale.ROOT, "%-58s", g));
            for (Subject s : subjects) {
                out.append(String.format(Locale.ROOT, " %16d", classes.get(s.key()).byGroup().getOrDefault(g, 0)));
            }
            out.append('\n');
        }
        out.append(String.format(Locale.ROOT, "%-58s", "(other packages)"));
        for (Subject s : subjects) {
            ClassLoadLog c = classes.get(s.key());
            int shown = groups.stream().mapToInt(g -> c.byGroup().getOrDefault(g, 0)).sum();
            out.append(String.format(Locale.ROOT, " %16d", c.total() - shown));
        }
        out.append('\n').append(String.format(Locale.ROOT, "%-58s", "total"));
        for (Subject s : subjects) {
            out.append(String.format(Locale.ROOT, " %16d", classes.get(s.key()).total()));
        }
        return out.append('\n').toString();
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        return Stats.median(samples.stream().map(x -> f.applyAsDouble(x)).toList());
    }
}
