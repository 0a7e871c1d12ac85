package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.testing.LambdaJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the whole-process benchmarks (bench/README.md) and prints one table; writes it as JSON too. Driven by
 * bench/run, which passes the artifact paths as system properties:
 * {@code bench.workerJar bench.launcherJar bench.helloJar bench.libDir bench.clientLibs bench.out bench.runs
 * bench.sections bench.root bench.artifacts bench.ricLib} and optionally {@code bench.baseline bench.coldSubjects}.
 */
public final class BenchMain {
    static final int MEMORY_MB = 512; // template.yaml Globals.Function.MemorySize
    static final String WORKER = "dev.outrigger.worker.SqsJobWorkerHandler";
    static final String HELLO = "dev.outrigger.bench.hello.HelloHandler";
    static final String LAUNCHER = "dev.outrigger.bench.launch.LambdaLikeMain";
    /** The signing secret every child gets and the stand-in Django checks signatures with. */
    static final String SIGNING_SECRET = "bench-signing-secret";

    final int runs = Integer.getInteger("bench.runs", 10);
    final Set<String> sections = new LinkedHashSet<>(List.of(
            System.getProperty("bench.sections", "coldstart,clients,validator,batch,memory,pipeline,asl,cost,capacity").split(",")));
    final Path work;
    final Table table = new Table();
    /** Text blocks printed after the table (the classes-by-package matrix). */
    final List<String> notes = new ArrayList<>();
    final ObjectNode json = Json.MAPPER.createObjectNode();
    final String workerJar = System.getProperty("bench.workerJar");
    final String launcherJar = System.getProperty("bench.launcherJar");
    final String helloJar = System.getProperty("bench.helloJar");
    final Path libDir = Path.of(System.getProperty("bench.libDir", "bench/target/launcher-lib"));
    final Path clientLibs = Path.of(System.getProperty("bench.clientLibs", "bench/target/clientlibs"));
    final Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
    /** Function and layer artifacts laid out as .aws-sam/build is: {@code <LogicalId>/lib/*.jar}, {@code <Layer>/java/lib/*.jar}. */
    final Path artifacts = Path.of(System.getProperty("bench.artifacts", "bench/target/artifacts")).toAbsolutePath();
    /** The same layout from other builds, measured beside the current one (bench/run --baseline DIR[,DIR…]). */
    final List<Path> baselines = System.getProperty("bench.baseline", "").isBlank() ? List.of()
            : java.util.Arrays.stream(System.getProperty("bench.baseline").split(",")).map(d -> Path.of(d).toAbsolutePath()).toList();
    /** The runtime interface client and its dependencies: the managed runtime's class path. */
    final Path ricLib = Path.of(System.getProperty("bench.ricLib", "bench/target/ric-lib")).toAbsolutePath();

    BenchMain() throws IOException {
        work = Files.createTempDirectory("outrigger-bench");
        work.toFile().deleteOnExit();
    }

    public static void main(String[] args) throws Exception {
        BenchMain bench = new BenchMain();
        bench.runAll();
    }

    void runAll() throws Exception {
        ObjectNode machine = json.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("cpu", cpuModel());
        json.put("runs", runs);
        json.put("lambdaFlags512", String.join(" ", LambdaJvm.lambdaFlags(MEMORY_MB)));

        try (LocalSqs sqs = new LocalSqs(); StandInDjango fast = new StandInDjango(0, SIGNING_SECRET);
             StandInDjango slow = new StandInDjango(50, SIGNING_SECRET)) {
            Context ctx = new Context(sqs, fast, slow);
            if (sections.contains("coldstart") || sections.contains("cold")) {
                guard("coldstart", () -> new ColdStartBench(this, ctx).run());
            }
            if (sections.contains("clients")) {
                guard("sqs-client", () -> new ClientStartBench(this, ctx).run());
            }
            if (sections.contains("validator")) {
                guard("validator", () -> new ValidatorStartBench(this).run());
            }
            if (sections.contains("batch")) {
                guard("batch", () -> new BatchBench(this, ctx).run());
            }
            if (sections.contains("memory")) {
                guard("memory", () -> new MemoryBench(this, ctx).run());
            }
            long refused = fast.rejected() + slow.rejected();
            if (refused > 0) {
                throw new IllegalStateException(refused + " calls to the stand-in Django did not verify (signature, route"
                        + " or the body's action): the figures would time refused calls, not jobs");
            }
        }
        if (sections.contains("pipeline")) {
            PluggedBench.run("dev.outrigger.bench.PipelineBench", this);
        }
        if (sections.contains("asl")) {
            PluggedBench.run("dev.outrigger.bench.AslBench", this);
        }
        if (sections.contains("cost")) {
            CostModel.addTo(this);
        }
        if (sections.contains("capacity")) {
            guard("capacity", () -> CapacityModel.addTo(this));
        }
        table.print(System.out);
        notes.forEach(System.out::print);
        json.set("table", table.toJson());
        if (!notes.isEmpty()) {
            json.put("notes", String.join("", notes));
        }
        String out = System.getProperty("bench.out", "bench/results/latest.json");
        Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
        Files.writeString(Path.of(out), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println("\nwrote " + out);
    }

    interface Section {
        void run() throws Exception;
    }

    /** One failing section costs its rows, not the run. */
    void guard(String section, Section body) {
        try {
            body.run();
        } catch (Exception | LinkageError e) {
            progress(section + " failed: " + e);
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            table.add(section, "(failed)", Double.NaN, "", Double.NaN, "", e.getClass().getSimpleName() + ": " + first);
        }
    }

    /** The servers every child JVM talks to, shared across sections. */
    record Context(LocalSqs sqs, StandInDjango fast, StandInDjango slow) {
    }

    /** The environment a deployed worker gets (template.yaml), pointed at the local servers. */
    Map<String, String> workerEnv(Context ctx, StandInDjango django, int memoryMb) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_ENDPOINT_URL_SQS", ctx.sqs().endpoint());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "outrigger-bench-job-worker");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.put("DJANGO_BASE_URL", django.baseUrl());
        env.put("OUTRIGGER_SIGNING_SECRET", SIGNING_SECRET);
        env.put("OUTRIGGER_ENV", "dev");
        env.put("POWERTOOLS_SERVICE_NAME", "job-worker");
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Outrigger");
        return env;
    }

    String classpath(String... parts) {
        return String.join(File.pathSeparator, parts);
    }

    String lib(String prefix) throws IOException {
        try (var files = Files.list(libDir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IOException("no " + prefix + "*.jar in " + libDir)).toString();
        }
    }

    /** The managed runtime's class path: the runtime interface client's jars (bench/target/ric-lib). */
    String ricClasspath() throws IOException {
        try (var files = Files.list(ricLib)) {
            List<String> jars = files.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IOException("no runtime interface client jars in " + ricLib);
            }
            return String.join(File.pathSeparator, jars);
        }
    }

    String workerClasspath() throws IOException {
        return classpath(workerJar, launcherJar, lib("aws-lambda-java-serialization"));
    }

    Path write(String name, String content) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, content);
        file.toFile().deleteOnExit();
        return file;
    }

    static double kb(Path file) {
        try {
            return Files.size(file) / 1024.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static void progress(String message) {
        System.err.println("[bench] " + message);
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /** The printed table: section, figure, median, unit, ratio to the reference named in the row. */
    static final class Table {
        record Row(String section, String name, double value, String unit, double ratio, String reference, String note) {
        }

        final List<Row> rows = new ArrayList<>();

        void add(String section, String name, double value, String unit, double ratio, String reference, String note) {
            rows.add(new Row(section, name, value, unit, ratio, reference, note == null ? "" : note));
        }

        void print(java.io.PrintStream out) {
            out.printf(Locale.ROOT, "%n%-11s %-46s %12s %-6s %8s  %-28s %s%n", "section", "figure", "median", "unit", "ratio", "reference", "note");
            out.println("-".repeat(140));
            String last = "";
            for (Row r : rows) {
                if (!r.section().equals(last) && !last.isEmpty()) {
                    out.println();
                }
                last = r.section();
                out.printf(Locale.ROOT, "%-11s %-46s %12s %-6s %8s  %-28s %s%n", r.section(), r.name(), fmt(r.value()), r.unit(),
                        Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, r.ratio() < 0.01 ? "%.5fx" : "%.2fx", r.ratio()), r.reference(), r.note());
            }
        }

        static String fmt(double v) {
            if (Double.isNaN(v)) {
                return "n/a";
            }
            if (Math.abs(v) >= 1000) {
                return String.format(Locale.ROOT, "%,.0f", v);
            }
            if (Math.abs(v) >= 10) {
                return String.format(Locale.ROOT, "%.1f", v);
            }
            return String.format(Locale.ROOT, "%.3f", v);
        }

        com.fasterxml.jackson.databind.node.ArrayNode toJson() {
            var array = Json.MAPPER.createArrayNode();
            for (Row r : rows) {
                ObjectNode o = array.addObject();
                o.put("section", r.section());
                o.put("figure", r.name());
                if (!Double.isNaN(r.value())) {
                    o.put("median", r.value());
                }
                o.put("unit", r.unit());
                if (!Double.isNaN(r.ratio())) {
                    o.put("ratio", r.ratio());
                    o.put("reference", r.reference());
                }
                if (!r.note().isEmpty()) {
                    o.put("note", r.note());
                }
            }
            return array;
        }
    }
}
