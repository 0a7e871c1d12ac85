package dev.outrigger.bench.jmh;

import dev.outrigger.bench.Events;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.worker.JobAttempt;
import dev.outrigger.worker.JobEvents;
import dev.outrigger.worker.JobHandler;
import dev.outrigger.worker.JobHandlerRegistry;
import dev.outrigger.worker.JobReport;
import dev.outrigger.worker.JobWorker;
import dev.outrigger.worker.ReceivedMessage;
import dev.outrigger.worker.WorkerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-job overhead of the worker with the remote call excluded: a batch of 10 valid envelopes through
 * {@link JobWorker#process} (envelope parsing, validation, grouping, dispatch to a handler that succeeds at once,
 * outcome and result building), reported per job. Logging and metrics are replaced by a no-op {@link JobEvents}; the
 * SQS client is never touched on the success path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WorkerBenchmark {
    @Param({"10", "1"})
    public int concurrency;

    JobWorker worker;
    List<ReceivedMessage> batch;

    static final class Succeed implements JobHandler {
        @Override
        public String type() {
            return "django.task";
        }

        @Override
        public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
            return new JobOutcome.Succeeded("noop");
        }
    }

    static final class Quiet implements JobEvents {
        @Override
        public void record(JobReport report) {
        }

        @Override
        public void flush() {
        }
    }

    @Setup
    public void setUp() {
        JobHandlerRegistry registry = new JobHandlerRegistry().register(new Succeed());
        WorkerConfig config = new WorkerConfig(concurrency, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(900), Optional.empty());
        worker = new JobWorker(registry, () -> {
            throw new IllegalStateException("the success path must not need SQS");
        }, config, new Quiet(), Clock.systemUTC(), RandomGenerator.getDefault());
        batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new ReceivedMessage("m-" + i, "rh-" + i, Events.envelope("job-" + i, "reports.generate", 0), 1,
                    1_750_000_000_000L, "arn:aws:sqs:us-east-1:000000000000:jobs-default", null, Map.of()));
        }
    }

    @TearDown
    public void tearDown() {
        worker = null;
    }

    @Benchmark
    @OperationsPerInvocation(10)
    public Set<String> batchOf10PerJob() {
        Set<String> failed = worker.process(batch, () -> 60_000L);
        if (!failed.isEmpty()) {
            throw new IllegalStateException("jobs failed: " + failed);
        }
        return failed;
    }
}
