package dev.outrigger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one measurement in a fresh JVM and reads back its {@code BENCH key=value ...} line. */
public final class ChildJvm {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private ChildJvm() {
    }

    public record Result(int exitCode, double wallMs, Map<String, String> values, String output) {
        public boolean ok() {
            return exitCode == 0 && !values.isEmpty();
        }

        public double num(String key) {
            String v = values.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }

        public List<Double> list(String key) {
            List<Double> out = new ArrayList<>();
            String v = values.get(key);
            if (v != null) {
                for (String part : v.split(",")) {
                    out.add(Double.parseDouble(part));
                }
            }
            return out;
        }
    }

    public static Result run(List<String> jvmFlags, String classpath, String mainClass, List<String> args,
                             Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = builder(jvmFlags, classpath, mainClass, args, env).redirectErrorStream(true);
        long spawnMs = System.currentTimeMillis();
        builder.environment().put("BENCH_SPAWN_MS", Long.toString(spawnMs));
        long start = System.nanoTime();
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        String text = new String(out, StandardCharsets.UTF_8);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("BENCH ")) {
                for (String pair : line.substring(6).trim().split(" ")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        values.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        return new Result(process.exitValue(), wallMs, values, text);
    }

    /** A child that keeps running (a runtime interface client polling for work): its output is collected as it comes. */
    public record Started(Process process, long spawnNanos, StringBuffer output) implements AutoCloseable {
        /** Ends the process at once, as Lambda freezes (and later drops) an environment: no shutdown hooks run. */
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a child in {@code workDir} and returns right after the spawn, with the spawn time taken just before it. */
    public static Started start(List<String> jvmFlags, String classpath, String mainClass, List<String> args,
                                Map<String, String> env, Path workDir) throws IOException {
        ProcessBuilder builder = builder(jvmFlags, classpath, mainClass, args, env).redirectErrorStream(true).directory(workDir.toFile());
        StringBuffer output = new StringBuffer();
        long spawnNanos = System.nanoTime();
        Process process = builder.start();
        Thread.ofVirtual().start(() -> {
            try (var in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process was ended
            }
        });
        return new Started(process, spawnNanos, output);
    }

    private static ProcessBuilder builder(List<String> jvmFlags, String classpath, String mainClass, List<String> args,
                                          Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> childEnv = builder.environment();
        // A clean environment, as in Lambda: only what the function is configured with.
        String path = childEnv.getOrDefault("PATH", "/usr/bin:/bin");
        childEnv.clear();
        childEnv.put("PATH", path);
        childEnv.put("LANG", "C.UTF-8");
        childEnv.putAll(env);
        return builder;
    }
}
