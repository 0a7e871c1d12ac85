package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Cost per million jobs from measured batch durations (bench/README.md states every assumption).
 *
 * <p>Lambda: billed duration rounded up to 1 ms, GB-s = memory GB x billed seconds, one request per batch
 * (https://aws.amazon.com/lambda/pricing/). SQS standard queue: $0.40 per million requests, each 64 KiB chunk of a
 * payload counts as one request (https://aws.amazon.com/sqs/pricing/). Free tiers are ignored.
 */
public final class CostModel {
    public static final double X86_GB_S = 0.0000166667;
    public static final double ARM_GB_S = 0.0000133334;
    public static final double LAMBDA_PER_REQUEST = 0.20 / 1_000_000;
    public static final double SQS_PER_REQUEST = 0.40 / 1_000_000;
    public static final int JOBS = 1_000_000;

    private CostModel() {
    }

    /**
     * @param batchMs     measured duration of one invocation (a batch)
     * @param memoryMb    the function's memory
     * @param batchSize   jobs per invocation
     * @param bodyBytes   size of one job's body
     * @param sendsPerJob 1 when the producer sends one message per job, 0.1 when it batches by 10
     */
    public record Estimate(double batchMs, int memoryMb, int batchSize, int bodyBytes, double sendsPerJob) {
        public long batches() {
            return (long) Math.ceil((double) JOBS / batchSize);
        }

        public double gbSeconds() {
            return batches() * (memoryMb / 1024.0) * Math.ceil(batchMs) / 1000.0;
        }

        public double lambdaUsd(double pricePerGbS) {
            return gbSeconds() * pricePerGbS + batches() * LAMBDA_PER_REQUEST;
        }

        /** SQS requests: sends, one receive per batch and one DeleteMessageBatch per batch, in 64 KiB chunks. */
        public double sqsRequests() {
            int chunksPerJob = Math.max(1, (int) Math.ceil(bodyBytes / 65536.0));
            int chunksPerBatch = Math.max(1, (int) Math.ceil((double) bodyBytes * batchSize / 65536.0));
            double sends = sendsPerJob < 1
                    ? JOBS * sendsPerJob * chunksPerBatch        // SendMessageBatch: the batch's total payload counts
                    : (double) JOBS * chunksPerJob;
            double receives = batches() * (double) chunksPerBatch;
            double deletes = batches();
            return sends + receives + deletes;
        }

        public double sqsUsd() {
            return sqsRequests() * SQS_PER_REQUEST;
        }
    }

    static void addTo(BenchMain bench) {
        var batch = bench.json.path("batch");
        if (batch.isMissingNode()) {
            bench.table.add("cost", "(not computed)", Double.NaN, "", Double.NaN, "", "needs the batch section");
            return;
        }
        int bodyBytes = Events.envelope("00000000-0000-4000-8000-000000000000", "reports.generate", 0).length();
        ObjectNode out = bench.json.putObject("cost");
        out.put("assumptions", "512 MB (template), batch of 10, warm invocations (cold starts and the ESM's idle polls are "
                + "extra, see README), producer sends 1 message per job (publish) or 10 per SendMessageBatch request "
                + "(publish_many), Lambda deletes with one DeleteMessageBatch per batch, body " + bodyBytes
                + " B (< 64 KiB: 1 request chunk)");
        for (String kind : new String[] {"fast", "50ms"}) {
            double ms = kind.equals("fast") ? batch.path("tenFastJobsMs").asDouble() : batch.path("tenSlowJobsConcurrentMs").asDouble();
            Estimate e = new Estimate(ms, BenchMain.MEMORY_MB, 10, bodyBytes, 1.0);
            // publish_many: SendMessageBatch of 10 entries (its payload is one 64 KiB chunk for bodies this size)
            Estimate batched = new Estimate(ms, BenchMain.MEMORY_MB, 10, bodyBytes, 0.1);
            ObjectNode o = out.putObject(kind);
            o.put("batchMs", ms);
            o.put("gbSecondsPerMillionJobs", e.gbSeconds());
            o.put("lambdaUsdX86", e.lambdaUsd(X86_GB_S));
            o.put("lambdaUsdArm64", e.lambdaUsd(ARM_GB_S));
            o.put("sqsRequests", e.sqsRequests());
            o.put("sqsUsd", e.sqsUsd());
            o.put("totalUsdX86", e.lambdaUsd(X86_GB_S) + e.sqsUsd());
            o.put("totalUsdArm64", e.lambdaUsd(ARM_GB_S) + e.sqsUsd());
            o.put("sqsRequestsBatchedSends", batched.sqsRequests());
            o.put("sqsUsdBatchedSends", batched.sqsUsd());
            o.put("totalUsdX86BatchedSends", batched.lambdaUsd(X86_GB_S) + batched.sqsUsd());
            o.put("totalUsdArm64BatchedSends", batched.lambdaUsd(ARM_GB_S) + batched.sqsUsd());
            String job = kind.equals("fast") ? "fast job" : "50 ms job";
            bench.table.add("cost", job + ": GB-s per 1M jobs", e.gbSeconds(), "GB-s", Double.NaN, "",
                    String.format(Locale.ROOT, "batch of 10 billed %.0f ms at 512 MB", Math.ceil(ms)));
            bench.table.add("cost", job + ": USD per 1M jobs, x86_64", e.lambdaUsd(X86_GB_S) + e.sqsUsd(), "USD", Double.NaN, "",
                    String.format(Locale.ROOT, "Lambda %.4f + SQS %.4f (%.2fM requests)", e.lambdaUsd(X86_GB_S), e.sqsUsd(), e.sqsRequests() / 1e6));
            bench.table.add("cost", job + ": USD per 1M jobs, arm64", e.lambdaUsd(ARM_GB_S) + e.sqsUsd(), "USD", Double.NaN, "",
                    String.format(Locale.ROOT, "Lambda %.4f + SQS %.4f (arm64 duration not measured: x86 ms assumed)", e.lambdaUsd(ARM_GB_S), e.sqsUsd()));
            // the same jobs published with publish_many: the reference is one SendMessage per job, as above
            double batchedX86 = batched.lambdaUsd(X86_GB_S) + batched.sqsUsd();
            bench.table.add("cost", job + ": USD per 1M jobs, x86_64, batched", batchedX86, "USD",
                    batchedX86 / (e.lambdaUsd(X86_GB_S) + e.sqsUsd()), "one SendMessage per job",
                    String.format(Locale.ROOT, "Lambda %.4f + SQS %.4f (%.2fM requests: SendMessageBatch of 10)",
                            batched.lambdaUsd(X86_GB_S), batched.sqsUsd(), batched.sqsRequests() / 1e6));
            double batchedArm = batched.lambdaUsd(ARM_GB_S) + batched.sqsUsd();
            bench.table.add("cost", job + ": USD per 1M jobs, arm64, batched", batchedArm, "USD",
                    batchedArm / (e.lambdaUsd(ARM_GB_S) + e.sqsUsd()), "one SendMessage per job",
                    String.format(Locale.ROOT, "Lambda %.4f + SQS %.4f", batched.lambdaUsd(ARM_GB_S), batched.sqsUsd()));
        }
    }
}
