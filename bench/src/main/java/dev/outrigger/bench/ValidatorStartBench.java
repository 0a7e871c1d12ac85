package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.testing.LambdaJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What core's envelope validation (hand-written since networknt was dropped) costs at cold start, against parsing
 * alone: fresh JVM per run, build the validator, validate one envelope.
 */
final class ValidatorStartBench {
    private final BenchMain bench;

    ValidatorStartBench(BenchMain bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        Path envelope = bench.write("envelope.json", Events.envelope("job-1", "reports.generate", 0));
        List<String> kinds = List.of("none", "core");
        List<String> flags = LambdaJvm.lambdaFlags(BenchMain.MEMORY_MB);
        Map<String, List<Double>> total = new LinkedHashMap<>();
        for (int round = 0; round < bench.runs + 1; round++) {
            for (String kind : kinds) {
                ChildJvm.Result r = ChildJvm.run(flags, bench.classpath(bench.workerJar, bench.launcherJar),
                        "dev.outrigger.bench.launch.ValidatorStartMain", List.of(kind, envelope.toString()), Map.of());
                if (!r.ok() || r.num("violations") != 0) {
                    throw new IllegalStateException("validator " + kind + " failed:\n" + LambdaJvm.tail(r.output(), 30));
                }
                if (round > 0) {
                    total.computeIfAbsent(kind, k -> new ArrayList<>()).add(r.num("init_ms") + r.num("first_invoke_ms"));
                }
            }
        }
        ObjectNode out = bench.json.putObject("validatorColdStart");
        double floor = Stats.median(total.get("none"));
        for (String kind : kinds) {
            double median = Stats.median(total.get(kind));
            out.put(kind + "MedianMs", median);
            String name = switch (kind) {
                case "none" -> "JSON parse only (shared mapper)";
                default -> "core EnvelopeValidator (hand-written)";
            };
            bench.table.add("validator", name + ": main -> 1st envelope", median, "ms", Stats.ratio(median, floor), "JSON parse only",
                    null);
        }
    }
}
