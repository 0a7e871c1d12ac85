package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Env;
import dev.outrigger.worker.WorkerConfig;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The default jobs queue at scale, on paper, from the measured batch duration and {@link CostModel}: for 100, 1,000
 * and 10,000 jobs/s of 50 ms and 500 ms (the time Django takes to answer), the Lambda concurrency, Django's request
 * rate and requests in flight, what the template's default MaximumConcurrency lets through, whether standard polling
 * is enough or provisioned mode is needed, and the cost per month. bench/README.md ("Capacity") states every rule and
 * where it comes from.
 *
 * <p>Rules (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html): standard mode starts at 5
 * concurrent batches, adds up to 300 a minute and stops at 1,250; MaximumConcurrency (2..1,000) caps it; provisioned
 * mode scales up to 1,000 a minute to 20,000 and cannot be combined with MaximumConcurrency. Little's law gives the
 * rest: concurrency = batches per second x batch duration; Django in flight = jobs per second x job duration.
 */
final class CapacityModel {
    static final int STANDARD_START = 5;
    static final int STANDARD_SCALE_PER_MINUTE = 300;
    static final int STANDARD_MAX = 1_250;
    static final int MAXIMUM_CONCURRENCY_MAX = 1_000;
    static final int PROVISIONED_SCALE_PER_MINUTE = 1_000;
    static final int PROVISIONED_MAX = 20_000;
    static final double SECONDS_PER_MONTH = 30 * 24 * 3600;
    static final int[] RATES = {100, 1_000, 10_000};
    static final int[] JOB_MS = {50, 500};

    private CapacityModel() {
    }

    /** One row of the table. */
    record Scenario(int jobsPerSecond, int jobMs, double batchMs, int batchSize, int workerConcurrency, int maximumConcurrency, int memoryMb,
                    int bodyBytes) {
        double concurrency() {
            return jobsPerSecond / (double) batchSize * batchMs / 1000.0;
        }

        double djangoInFlight() {
            return jobsPerSecond * jobMs / 1000.0;
        }

        /** What the template's MaximumConcurrency lets through: that many environments, a batch each per batch duration. */
        double cappedJobsPerSecond() {
            return maximumConcurrency * batchSize / (batchMs / 1000.0);
        }

        /** Django's requests in flight at that cap: each environment runs min(worker concurrency, batch) jobs at once. */
        int cappedDjangoInFlight() {
            return maximumConcurrency * Math.min(workerConcurrency, batchSize);
        }

        /** The MaximumConcurrency this rate needs: the concurrency, rounded up, at least Lambda's minimum of 2. */
        int maximumConcurrencyNeeded() {
            return Math.max(2, (int) Math.ceil(concurrency()));
        }

        boolean needsProvisioned() {
            return concurrency() > STANDARD_MAX || maximumConcurrencyNeeded() > MAXIMUM_CONCURRENCY_MAX;
        }

        double rampSeconds(int perMinute) {
            return Math.max(0, concurrency() - STANDARD_START) / perMinute * 60;
        }

        CostModel.Estimate cost() {
            return new CostModel.Estimate(batchMs, memoryMb, batchSize, bodyBytes, 1.0);
        }

        double jobsPerMonth() {
            return jobsPerSecond * SECONDS_PER_MONTH;
        }

        double usdPerMonth(double gbSecondPrice) {
            CostModel.Estimate e = cost();
            return (e.lambdaUsd(gbSecondPrice) + e.sqsUsd()) * jobsPerMonth() / CostModel.JOBS;
        }
    }

    static void addTo(BenchMain bench) throws IOException {
        var batch = bench.json.path("batch");
        if (batch.isMissingNode()) {
            bench.table.add("capacity", "(not computed)", Double.NaN, "", Double.NaN, "", "needs the batch section");
            return;
        }
        TemplateFunctions template = TemplateFunctions.load(bench.root.resolve("template.yaml"));
        int batchSize = Integer.parseInt(template.scalarAt("Resources", "JobWorkerFunction", "Properties", "Events", "DefaultJobs",
                "Properties", "BatchSize"));
        int maximumConcurrency = Integer.parseInt(template.scalarAt("Parameters", "WorkerMaximumConcurrency", "Default"));
        int memoryMb = template.function("JobWorkerFunction").memoryMb();
        int workerConcurrency = WorkerConfig.fromEnv(Env.of(Map.of())).concurrency();
        int bodyBytes = Events.envelope("00000000-0000-4000-8000-000000000000", "reports.generate", 0).length();
        // Measured: 10 jobs against an endpoint that answers in 50 ms. The ten calls overlap, so the batch's own
        // cost (parse, sign, settle) is what it takes beyond one call; a 500 ms endpoint adds the wait only.
        double measured = batch.path("tenSlowJobsConcurrentMs").asDouble();
        double overheadMs = measured - 50;

        ObjectNode out = bench.json.putObject("capacity");
        out.put("batchSize", batchSize);
        out.put("workerConcurrency", workerConcurrency);
        out.put("maximumConcurrencyDefault", maximumConcurrency);
        out.put("batchOverheadMs", overheadMs);
        for (int jobMs : JOB_MS) {
            for (int rate : RATES) {
                Scenario s = new Scenario(rate, jobMs, jobMs + overheadMs, batchSize, workerConcurrency, maximumConcurrency, memoryMb, bodyBytes);
                String name = String.format(Locale.ROOT, "%,d jobs/s x %d ms", rate, jobMs);
                ObjectNode o = out.putObject(name);
                o.put("batchMs", s.batchMs());
                o.put("concurrency", s.concurrency());
                o.put("djangoRequestsPerSecond", rate);
                o.put("djangoInFlight", s.djangoInFlight());
                o.put("cappedJobsPerSecond", s.cappedJobsPerSecond());
                o.put("maximumConcurrencyNeeded", s.maximumConcurrencyNeeded());
                o.put("needsProvisionedMode", s.needsProvisioned());
                o.put("usdPerMonthX86", s.usdPerMonth(CostModel.X86_GB_S));
                o.put("usdPerMonthArm64", s.usdPerMonth(CostModel.ARM_GB_S));
                bench.table.add("capacity", name + ": Lambda concurrency", s.concurrency(), "", Double.NaN, "",
                        String.format(Locale.ROOT, "batch of %d in %.0f ms; Django %,d req/s, %,.0f in flight", batchSize, s.batchMs(), rate,
                                s.djangoInFlight()));
                boolean capped = s.cappedJobsPerSecond() < rate;
                bench.table.add("capacity", "  MaximumConcurrency " + maximumConcurrency + " lets through", s.cappedJobsPerSecond(), "jobs/s",
                        Double.NaN, "", capped
                                ? String.format(Locale.ROOT, "too few: needs %d (Django then takes %,.0f at once)", s.maximumConcurrencyNeeded(),
                                s.djangoInFlight())
                                : String.format(Locale.ROOT, "enough (Django never sees more than %d at once)", s.cappedDjangoInFlight()));
                bench.table.add("capacity", "  polling", Double.NaN, "", Double.NaN, "", s.needsProvisioned()
                        ? String.format(Locale.ROOT, "provisioned mode needed: over standard mode's %,d (or MaximumConcurrency's %,d)", STANDARD_MAX,
                        MAXIMUM_CONCURRENCY_MAX)
                        : String.format(Locale.ROOT, "standard mode is enough; from idle it takes %.0f s to scale (provisioned: %.0f s)",
                        s.rampSeconds(STANDARD_SCALE_PER_MINUTE), s.rampSeconds(PROVISIONED_SCALE_PER_MINUTE)));
                CostModel.Estimate e = s.cost();
                bench.table.add("capacity", "  USD per month, x86_64", s.usdPerMonth(CostModel.X86_GB_S), "USD", Double.NaN, "",
                        String.format(Locale.ROOT, "%,.0fM jobs: Lambda %,.0f + SQS %,.0f (arm64: %,.0f)", s.jobsPerMonth() / 1e6,
                                e.lambdaUsd(CostModel.X86_GB_S) * s.jobsPerMonth() / CostModel.JOBS, e.sqsUsd() * s.jobsPerMonth() / CostModel.JOBS,
                                s.usdPerMonth(CostModel.ARM_GB_S)));
            }
        }
    }
}
