package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.testing.LambdaJvm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Memory: the worker in a child JVM sized as Lambda sizes it for 128, 256 and 512 MB, five batches of 10 jobs of
 * 256 KiB each (the queue's default MaximumMessageSize). Peak RSS from /proc/self/status VmHWM, peak heap from the
 * heap pools, GC time as a share of the process's life. "Fits" means every batch succeeded and GC took under 10 %.
 */
final class MemoryBench {
    static final int BATCHES = 5;
    private final BenchMain bench;
    private final BenchMain.Context ctx;

    MemoryBench(BenchMain bench, BenchMain.Context ctx) {
        this.bench = bench;
        this.ctx = ctx;
    }

    void run() throws Exception {
        Path event = bench.write("ten-256k-jobs.json", Events.sqsEvent(ctx.sqs().queueArn(), 10, 256 * 1024, "big"));
        ObjectNode out = bench.json.putObject("memory");
        Integer smallest = null;
        for (int memoryMb : new int[] {128, 256, 512}) {
            ChildJvm.Result r = ChildJvm.run(LambdaJvm.lambdaFlags(memoryMb), bench.workerClasspath(), BenchMain.LAUNCHER,
                    List.of(BenchMain.WORKER, event.toString(), Integer.toString(BATCHES), "--mem"),
                    bench.workerEnv(ctx, ctx.fast(), memoryMb));
            ObjectNode o = out.putObject(memoryMb + "MB");
            boolean ok = r.ok() && r.num("response_bytes") > 0 && r.num("failures") == 0;
            o.put("ok", ok);
            if (!r.ok()) {
                o.put("error", LambdaJvm.tail(r.output(), 5));
                bench.table.add("memory", memoryMb + " MB: 10 x 256 KiB jobs", Double.NaN, "", Double.NaN, "", "FAILED: "
                        + LambdaJvm.tail(r.output(), 1).strip());
                continue;
            }
            double gcShare = r.num("gc_ms") / r.num("uptime_ms");
            boolean fits = ok && gcShare < 0.10;
            if (fits && smallest == null) {
                smallest = memoryMb;
            }
            o.put("peakRssMiB", r.num("hwm_kb") / 1024);
            o.put("peakHeapMiB", r.num("peak_heap_kb") / 1024);
            o.put("maxHeapMiB", r.num("max_heap_kb") / 1024);
            o.put("gcCount", r.num("gc_count"));
            o.put("gcMs", r.num("gc_ms"));
            o.put("gcShare", gcShare);
            List<Double> invokes = r.list("invokes_ms");
            o.put("lastBatchMs", invokes.get(invokes.size() - 1));
            bench.table.add("memory", memoryMb + " MB: peak RSS, 10 x 256 KiB jobs", r.num("hwm_kb") / 1024, "MiB",
                    Stats.ratio(r.num("hwm_kb") / 1024, memoryMb), memoryMb + " MB function",
                    String.format(java.util.Locale.ROOT, "heap peak %.0f of %.0f MiB, %d GCs, GC %.1f %% of %.0f ms, %s",
                            r.num("peak_heap_kb") / 1024, r.num("max_heap_kb") / 1024, (long) r.num("gc_count"),
                            100 * gcShare, r.num("uptime_ms"), fits ? "fits" : (ok ? "GC thrash" : "batch failed")));
        }
        out.put("smallestFittingMB", smallest == null ? -1 : smallest);
        bench.table.add("memory", "smallest setting without GC thrash", smallest == null ? Double.NaN : smallest, "MB", Double.NaN, "",
                "of 128/256/512; 5 batches of 10 x 256 KiB");
    }
}
