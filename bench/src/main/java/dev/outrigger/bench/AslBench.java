package dev.outrigger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.asl.ExecutionResult;
import dev.outrigger.asl.ExecutionStatus;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.core.Json;
import dev.outrigger.testing.LambdaJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ASL engine: state transitions per second on a loop of Pass and Choice states, and the same definition run on
 * moto's Step Functions executor (python3, bench/moto_sfn.py) as a ratio. Both warm, in process, medians.
 */
public final class AslBench {
    /** i = 0; while i < limit: i = i + 1. Transitions: 2 per loop turn + Init, the last Check and Done. */
    static final String LOOP = """
            {"Comment": "bench: a loop of Pass and Choice states",
             "StartAt": "Init",
             "States": {
               "Init": {"Type": "Pass", "Result": {"i": 0}, "ResultPath": "$.counter", "Next": "Check"},
               "Check": {"Type": "Choice",
                         "Choices": [{"Variable": "$.counter.i", "NumericLessThanPath": "$.limit", "Next": "Increment"}],
                         "Default": "Done"},
               "Increment": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.counter.i, 1)"},
                             "ResultPath": "$.counter", "Next": "Check"},
               "Done": {"Type": "Succeed"}
             }}""";

    private AslBench() {
    }

    static ExecutionResult runOnce(SfnRunner runner, int limit) {
        JsonNode input = Json.MAPPER.createObjectNode().put("limit", limit);
        ExecutionResult result = runner.run(LOOP, "bench-loop.asl.json", input, Map.of(), Optional.empty(), Optional.empty()).result();
        if (result.status() != ExecutionStatus.SUCCEEDED || result.output().path("counter").path("i").asInt() != limit) {
            throw new IllegalStateException("loop machine ended " + result.status() + ": " + result.error() + " " + result.cause());
        }
        return result;
    }

    public static void run(BenchMain bench) throws Exception {
        SfnRunner runner = new SfnRunner();
        int big = 5_000;
        for (int i = 0; i < 5; i++) {
            runOnce(runner, big); // warm-up
        }
        List<Double> rates = new ArrayList<>();
        long transitions = 0;
        for (int i = 0; i < bench.runs; i++) {
            long start = System.nanoTime();
            ExecutionResult r = runOnce(runner, big);
            double seconds = (System.nanoTime() - start) / 1e9;
            transitions = r.history().size();
            rates.add(transitions / seconds);
        }
        int small = 10;
        List<Double> smallMs = new ArrayList<>();
        for (int i = 0; i < bench.runs + 3; i++) {
            long start = System.nanoTime();
            runOnce(runner, small);
            if (i >= 3) {
                smallMs.add((System.nanoTime() - start) / 1e6);
            }
        }
        double engineMs = Stats.median(smallMs);
        ObjectNode out = bench.json.putObject("asl");
        out.put("transitionsPerRun", transitions);
        out.put("transitionsPerSecond", Stats.median(rates));
        out.put("loop10EngineMs", engineMs);
        bench.table.add("asl", "state transitions per second (Pass/Choice loop)", Stats.median(rates), "1/s", Double.NaN, "",
                transitions + " transitions per execution, in-JVM, warm, parent JVM flags");

        Path definition = bench.write("bench-loop.asl.json", LOOP);
        Path script = Path.of(System.getProperty("bench.root", "."), "bench", "moto_sfn.py");
        Process p = new ProcessBuilder("python3", script.toString(), definition.toString(), "{\"limit\": " + small + "}",
                Integer.toString(bench.runs)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String last = text.strip().lines().reduce((a, b) -> b).orElse("");
        if (exit != 0 || !last.startsWith("{")) {
            out.put("motoError", LambdaJvm.tail(text, 5));
            bench.table.add("asl", "same 10-turn loop: Outrigger engine", engineMs, "ms", Double.NaN, "", "moto failed: " + last);
            return;
        }
        JsonNode moto = Json.MAPPER.readTree(last);
        double motoMs = moto.path("medianMs").asDouble();
        boolean same = moto.path("output").path("counter").path("i").asInt() == small;
        out.put("loop10MotoMs", motoMs);
        out.put("engineToMoto", Stats.ratio(engineMs, motoMs));
        bench.table.add("asl", "same 10-turn loop (23 transitions): engine", engineMs, "ms", Stats.ratio(engineMs, motoMs), "moto executor",
                String.format(java.util.Locale.ROOT, "moto %.1f ms per execution%s", motoMs, same ? ", same output" : ", OUTPUT DIFFERS"));
    }
}
