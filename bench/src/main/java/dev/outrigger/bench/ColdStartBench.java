package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start: a fresh JVM with Lambda's flags per run, the function's shaded jar plus the runtime stand-in
 * ({@link dev.outrigger.bench.launch.LambdaLikeMain}), one batch of 10 jobs against the stand-in Django, exit. The
 * functions are interleaved round by round so drift on a noisy machine hits them alike; every figure is also a ratio
 * to the hello-world floor of the same run.
 */
final class ColdStartBench {
    static final String HOOK_EVENT = "{\"hook\":\"clearsessions\",\"mode\":\"call\",\"scheduled_time\":\"2026-11-21T03:00:00Z\","
            + "\"execution_id\":\"x\",\"args\":{}}";

    private final BenchMain bench;
    private final BenchMain.Context ctx;

    ColdStartBench(BenchMain bench, BenchMain.Context ctx) {
        this.bench = bench;
        this.ctx = ctx;
    }

    record Subject(String name, String classpath, String handler, Path event, Map<String, String> env, List<String> artifacts) {
    }

    void run() throws Exception {
        String queueArn = ctx.sqs().queueArn();
        Path tenJobs = bench.write("ten-jobs.json", Events.sqsEvent(queueArn, 10, 0, "cold"));
        Path tenJobsOneRetry = bench.write("ten-jobs-one-retry.json", Events.sqsEvent(queueArn, 10, 0, "retry", 9));
        String serialization = bench.lib("aws-lambda-java-serialization");
        Map<String, String> env = bench.workerEnv(ctx, ctx.fast(), BenchMain.MEMORY_MB);

        List<Subject> subjects = new ArrayList<>();
        subjects.add(new Subject("hello-world", bench.classpath(bench.helloJar, bench.lib("aws-lambda-java-core"), bench.launcherJar, serialization),
                BenchMain.HELLO, tenJobs, env, List.of(bench.helloJar, bench.lib("aws-lambda-java-core"))));
        subjects.add(new Subject("job-worker", bench.workerClasspath(), BenchMain.WORKER, tenJobs, env, List.of(bench.workerJar)));
        subjects.add(new Subject("job-worker, 1 of 10 retried", bench.workerClasspath(), BenchMain.WORKER, tenJobsOneRetry, env,
                List.of(bench.workerJar)));
        if (!bench.hookJar.isEmpty() && Files.exists(Path.of(bench.hookJar))) {
            // The Input an EventBridge schedule gives the hook (template.yaml), "call" mode: one signed POST to the
            // stand-in Django's hooks/clearsessions, which answers 200. events/ has no schedule-hook sample yet.
            Path hookEvent = bench.hookEvent.isEmpty() ? bench.write("schedule-hook.json", HOOK_EVENT) : Path.of(bench.hookEvent);
            Map<String, String> hookEnv = new LinkedHashMap<>(env);
            hookEnv.put("AWS_LAMBDA_FUNCTION_NAME", "outrigger-bench-schedule-hook");
            hookEnv.put("POWERTOOLS_SERVICE_NAME", "schedule-hook");
            subjects.add(new Subject("schedule-hook", bench.classpath(bench.hookJar, bench.launcherJar, serialization), bench.hookHandler,
                    hookEvent, hookEnv, List.of(bench.hookJar)));
        } else {
            BenchMain.progress("schedule-hook: no jar yet (bench.hookJar=" + bench.hookJar + "), skipped");
        }

        List<String> flags = ChildJvm.lambdaFlags(BenchMain.MEMORY_MB);
        Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
        for (int round = 0; round < bench.runs + 1; round++) {
            for (Subject s : subjects) {
                ChildJvm.Result r = ChildJvm.run(flags, s.classpath(), BenchMain.LAUNCHER,
                        List.of(s.handler(), s.event().toString(), "1"), s.env());
                if (!r.ok()) {
                    throw new IllegalStateException(s.name() + " failed (exit " + r.exitCode() + "):\n" + ChildJvm.tail(r.output(), 30));
                }
                if (round == 0) {
                    continue; // warms the OS page cache for the jars, as a deployed function's are
                }
                Map<String, List<Double>> m = samples.computeIfAbsent(s.name(), k -> new LinkedHashMap<>());
                double ready = r.num("boot_ms") + r.num("init_ms") + r.num("first_invoke_ms");
                m.computeIfAbsent("ready", k -> new ArrayList<>()).add(ready);
                m.computeIfAbsent("wall", k -> new ArrayList<>()).add(r.wallMs());
                m.computeIfAbsent("boot", k -> new ArrayList<>()).add(r.num("boot_ms"));
                m.computeIfAbsent("init", k -> new ArrayList<>()).add(r.num("init_ms"));
                m.computeIfAbsent("invoke", k -> new ArrayList<>()).add(r.num("first_invoke_ms"));
                m.computeIfAbsent("hwm", k -> new ArrayList<>()).add(r.num("hwm_kb") / 1024.0);
            }
            BenchMain.progress("cold start round " + round + "/" + bench.runs);
        }

        ObjectNode out = bench.json.putObject("coldStart");
        Map<String, List<Double>> floor = samples.get("hello-world");
        for (Subject s : subjects) {
            Map<String, List<Double>> m = samples.get(s.name());
            ObjectNode o = out.putObject(s.name());
            for (var e : m.entrySet()) {
                o.put(e.getKey() + "MedianMs", Stats.median(e.getValue()));
            }
            o.put("readyP90Ms", Stats.percentile(m.get("ready"), 90));
            double ready = Stats.median(m.get("ready"));
            double ratio = Stats.ratio(ready, Stats.median(floor.get("ready")));
            o.put("readyRatioToHello", ratio);
            bench.table.add("cold", s.name() + (s.name().equals("schedule-hook") ? ": spawn -> first invoke done" : ": spawn -> first batch done"), ready, "ms", ratio, "hello-world", null);
            bench.table.add("cold", "  JVM boot / init / first invoke", Double.NaN, "", Double.NaN, "",
                    String.format(java.util.Locale.ROOT, "%.0f / %.0f / %.0f ms (p90 ready %.0f ms, process exit %.0f ms)",
                            Stats.median(m.get("boot")), Stats.median(m.get("init")), Stats.median(m.get("invoke")),
                            Stats.percentile(m.get("ready"), 90), Stats.median(m.get("wall"))));
            bench.table.add("cold", "  peak RSS (VmHWM)", Stats.median(m.get("hwm")), "MiB",
                    Stats.ratio(Stats.median(m.get("hwm")), Stats.median(floor.get("hwm"))), "hello-world", null);
            // Classes loaded: one extra run with class loading logged (kept out of the timed runs).
            Path log = bench.work.resolve(s.name().replaceAll("[^a-z]", "") + "-classes.log");
            List<String> logFlags = new ArrayList<>(flags);
            logFlags.add("-Xlog:class+load=info:file=" + log);
            ChildJvm.run(logFlags, s.classpath(), BenchMain.LAUNCHER, List.of(s.handler(), s.event().toString(), "1"), s.env());
            long total = 0;
            long fromFunction = 0;
            for (String line : Files.readAllLines(log)) {
                if (line.contains("source:")) {
                    total++;
                    if (line.contains("source: file:") || line.contains(".jar")) {
                        fromFunction++;
                    }
                }
            }
            Files.deleteIfExists(log);
            o.put("classesLoaded", total);
            o.put("classesFromJars", fromFunction);
            if (s.name().equals("hello-world")) {
                out.put("helloClasses", total);
            }
            bench.table.add("cold", "  classes loaded (from jars)", total, "", Stats.ratio(total, out.path("helloClasses").asDouble(Double.NaN)),
                    "hello-world", fromFunction + " from the class path");
            double sizeKb = 0;
            for (String a : s.artifacts()) {
                sizeKb += BenchMain.kb(Path.of(a));
            }
            o.put("artifactKb", sizeKb);
            if (!s.name().contains("retried")) {
                bench.table.add("cold", "  artifact size", sizeKb / 1024.0, "MiB", Double.NaN, "", String.join(" + ",
                        s.artifacts().stream().map(a -> Path.of(a).getFileName().toString()).toList()));
            }
        }
    }

    static void requireFile(String path) throws IOException {
        if (path == null || !Files.exists(Path.of(path))) {
            throw new IOException("missing " + path);
        }
    }
}
