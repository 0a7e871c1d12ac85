package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.testing.LambdaJvm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Batch concurrency, warm: one child JVM per case (Lambda flags, 512 MB), the same event invoked {@code runs + 2}
 * times, the first two dropped. A batch of 10 jobs against an endpoint answering in 50 ms, as a ratio to one job and
 * to the same batch with {@code OUTRIGGER_WORKER_CONCURRENCY=1} (the worker's own sequential mode). The fast-endpoint
 * batch feeds the cost table.
 */
final class BatchBench {
    static final int WARMUP = 2;
    private final BenchMain bench;
    private final BenchMain.Context ctx;

    BatchBench(BenchMain bench, BenchMain.Context ctx) {
        this.bench = bench;
        this.ctx = ctx;
    }

    double warmMedian(Path event, StandInDjango django, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new java.util.LinkedHashMap<>(bench.workerEnv(ctx, django, BenchMain.MEMORY_MB));
        env.putAll(extraEnv);
        ChildJvm.Result r = ChildJvm.run(LambdaJvm.lambdaFlags(BenchMain.MEMORY_MB), bench.workerClasspath(), BenchMain.LAUNCHER,
                List.of(BenchMain.WORKER, event.toString(), Integer.toString(bench.runs + WARMUP)), env);
        if (!r.ok()) {
            throw new IllegalStateException("batch run failed:\n" + LambdaJvm.tail(r.output(), 30));
        }
        List<Double> all = r.list("invokes_ms");
        return Stats.median(all.subList(WARMUP, all.size()));
    }

    void run() throws Exception {
        String arn = ctx.sqs().queueArn();
        Path one = bench.write("one-job.json", Events.sqsEvent(arn, 1, 0, "one"));
        Path ten = bench.write("ten-jobs-batch.json", Events.sqsEvent(arn, 10, 0, "batch"));
        double oneCall = warmMedian(one, ctx.slow(), Map.of());
        BenchMain.progress("batch: one 50 ms call " + oneCall + " ms");
        double concurrent = warmMedian(ten, ctx.slow(), Map.of());
        double sequential = warmMedian(ten, ctx.slow(), Map.of("OUTRIGGER_WORKER_CONCURRENCY", "1"));
        double fastTen = warmMedian(ten, ctx.fast(), Map.of());
        double fastOne = warmMedian(one, ctx.fast(), Map.of());
        BenchMain.progress("batch: 10 concurrent " + concurrent + " ms, sequential " + sequential + " ms, fast " + fastTen + " ms");

        ObjectNode out = bench.json.putObject("batch");
        out.put("oneSlowJobMs", oneCall);
        out.put("tenSlowJobsConcurrentMs", concurrent);
        out.put("tenSlowJobsSequentialMs", sequential);
        out.put("tenFastJobsMs", fastTen);
        out.put("oneFastJobMs", fastOne);
        out.put("concurrentToOneCall", Stats.ratio(concurrent, oneCall));
        out.put("concurrentToSequential", Stats.ratio(concurrent, sequential));
        bench.table.add("batch", "1 job, endpoint answers in 50 ms (warm)", oneCall, "ms", Double.NaN, "", "the floor for a 50 ms batch");
        bench.table.add("batch", "10 jobs x 50 ms, concurrency 10 (default)", concurrent, "ms", Stats.ratio(concurrent, oneCall), "1 job",
                String.format(java.util.Locale.ROOT, "%.2fx the sequential batch", Stats.ratio(concurrent, sequential)));
        bench.table.add("batch", "10 jobs x 50 ms, OUTRIGGER_WORKER_CONCURRENCY=1", sequential, "ms", Stats.ratio(sequential, oneCall), "1 job", null);
        bench.table.add("batch", "10 jobs, endpoint answers at once (warm)", fastTen, "ms", Stats.ratio(fastTen, fastOne), "1 fast job",
                String.format(java.util.Locale.ROOT, "1 fast job: %.2f ms", fastOne));
    }
}
