package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.local.demo.DemoDjango;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.local.runtime.SqsEventSourcePoller;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Local pipeline throughput: the embedded runtime ({@link LocalRuntime}) started from the real template.yaml on free
 * ports, the real job worker polling JobsDefaultQueue, and {@link DemoDjango} checking every signature. Each round
 * sends N {@code django.task} jobs (SendMessageBatch of 10, one sender thread) and times first send → Django has
 * answered 200 to all N with a valid signature and the queue is empty (visible + in flight + delayed = 0).
 *
 * <p>The reference, interleaved round by round on the same ElasticMQ: the same N bodies sent the same way to a queue
 * nobody else reads, consumed by plain ReceiveMessage(10, long poll) + DeleteMessageBatch loops, as many as the
 * worker's event source has pollers (its MaximumConcurrency), so the ratio is what the worker, signing and HTTP add
 * over SQS alone. Both run in this JVM (parent flags, warm after the discarded round 0); worker logs go to a file.
 *
 * <p>The same round then runs on a second runtime started with a data dir ({@code --data-dir}: every send, receive,
 * delete and visibility change on disk before it is acknowledged), with its own N jobs; its ratio is to the first
 * runtime's pipeline, measured in the same round: the cost of durable writes.
 */
public final class PipelineBench {
    private static final String TASK = "demo.ok";
    private static final Duration ROUND_DEADLINE = Duration.ofSeconds(180);

    private PipelineBench() {
    }

    public static void run(BenchMain bench) throws Exception {
        int jobs = Integer.getInteger("bench.pipelineJobs", 2000);
        Path template = Path.of(System.getProperty("bench.root", ".")).resolve("template.yaml");
        String secret = "bench-" + UUID.randomUUID();
        Path log = bench.work.resolve("pipeline-worker.log");
        PrintStream originalOut = System.out;
        // log4j2's console appender keeps the System.out it finds when the worker first logs: send it to a file.
        PrintStream logOut = new PrintStream(new BufferedOutputStream(new FileOutputStream(log.toFile()), 1 << 16), false);
        System.setOut(logOut);
        List<Double> pipeline = new ArrayList<>();
        List<Double> durablePipeline = new ArrayList<>();
        List<Double> reference = new ArrayList<>();
        int consumers;
        Path dataDir = bench.work.resolve("pipeline-data-dir");
        long dataDirBytes;
        long dataDirBytesStopped;
        try (DemoDjango django = DemoDjango.start(secret);
             LocalRuntime rt = LocalRuntime.start(options(template, django, secret).build());
             LocalRuntime durable = LocalRuntime.start(options(template, django, secret).dataDir(dataDir).build());
             SqsClient sqs = client(rt);
             SqsClient durableSqs = client(durable)) {
            Set<String> done = ConcurrentHashMap.newKeySet();
            Map<String, AtomicInteger> donePerRound = new ConcurrentHashMap<>();
            AtomicLong badCalls = new AtomicLong();
            django.onCall(c -> {
                if (c.status() == 200 && c.signatureValid()) {
                    if (done.add(c.jobId())) { // a job counts once, even if SQS delivered it twice
                        donePerRound.computeIfAbsent(c.jobId().substring(0, c.jobId().indexOf('-') + 1), k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                } else {
                    badCalls.incrementAndGet();
                }
            });
            String refUrl = sqs.createQueue(r -> r.queueName("bench-reference")).queueUrl();
            consumers = rt.pollers().stream().filter(p -> p.functionLogicalId().contains("JobWorker"))
                    .mapToInt(SqsEventSourcePoller::concurrency).max().orElse(SqsEventSourcePoller.DEFAULT_CONCURRENCY);
            for (int round = 0; round <= bench.runs; round++) {
                List<String> bodies = bodies(jobs, "r" + round + "-");
                double ref = reference(sqs, refUrl, bodies, consumers);
                double pipe = pipeline(rt, sqs, bodies, donePerRound.computeIfAbsent("r" + round + "-", k -> new AtomicInteger()), jobs);
                List<String> durableBodies = bodies(jobs, "d" + round + "-");
                double durablePipe = pipeline(durable, durableSqs, durableBodies,
                        donePerRound.computeIfAbsent("d" + round + "-", k -> new AtomicInteger()), jobs);
                if (badCalls.get() > 0) {
                    throw new IllegalStateException(badCalls.get() + " calls to the stand-in Django were not a signed 200");
                }
                BenchMain.progress(String.format(Locale.ROOT, "pipeline round %d/%d: %.0f jobs/s, with --data-dir %.0f jobs/s (reference %.0f msg/s)",
                        round, bench.runs, jobs / pipe * 1000, jobs / durablePipe * 1000, jobs / ref * 1000));
                if (round > 0) { // round 0 warms the JIT, the runtime's pollers and the HTTP connections
                    pipeline.add(pipe);
                    durablePipeline.add(durablePipe);
                    reference.add(ref);
                }
            }
            dataDirBytes = Files.size(dataDir.resolve("elasticmq.mv.db"));
        } finally {
            System.out.flush();
            System.setOut(originalOut);
            logOut.close();
        }
        dataDirBytesStopped = Files.size(dataDir.resolve("elasticmq.mv.db"));   // closing compacts it
        deleteTree(dataDir);
        double pipeMs = Stats.median(pipeline);
        double durableMs = Stats.median(durablePipeline);
        double refMs = Stats.median(reference);
        double pipeRate = jobs / pipeMs * 1000;
        double durableRate = jobs / durableMs * 1000;
        double refRate = jobs / refMs * 1000;
        ObjectNode o = bench.json.putObject("pipeline");
        o.put("jobs", jobs);
        o.put("referenceConsumers", consumers);
        o.put("pipelineMedianMs", pipeMs);
        o.put("referenceMedianMs", refMs);
        o.put("jobsPerSecond", pipeRate);
        o.put("referenceMessagesPerSecond", refRate);
        o.put("ratioToReference", Stats.ratio(pipeRate, refRate));
        o.putPOJO("pipelineMs", pipeline);
        o.putPOJO("referenceMs", reference);
        ObjectNode d = o.putObject("dataDir");
        d.put("pipelineMedianMs", durableMs);
        d.put("jobsPerSecond", durableRate);
        d.put("ratioToWithoutDataDir", Stats.ratio(durableRate, pipeRate));
        d.put("databaseFileBytes", dataDirBytes);
        d.put("databaseFileBytesAfterStop", dataDirBytesStopped);
        d.putPOJO("pipelineMs", durablePipeline);
        bench.table.add("pipeline", "SQS send+receive+delete, no worker", refRate, "1/s", 1.0, "SQS alone",
                String.format(Locale.ROOT, "%d msgs in %.0f ms; %d receive/delete loops", jobs, refMs, consumers));
        bench.table.add("pipeline", "local runtime: send -> Django saw all, queue empty", pipeRate, "1/s",
                Stats.ratio(pipeRate, refRate), "SQS alone", String.format(Locale.ROOT,
                        "%d django.task jobs in %.0f ms (p90 %.0f ms); real template, worker, signed calls", jobs, pipeMs,
                        Stats.percentile(pipeline, 90)));
        bench.table.add("pipeline", "  the same with --data-dir (durable writes)", durableRate, "1/s",
                Stats.ratio(durableRate, pipeRate), "without --data-dir", String.format(Locale.ROOT,
                        "%d jobs in %.0f ms (p90 %.0f ms); H2 file after %d jobs %s, %s once stopped", jobs, durableMs,
                        Stats.percentile(durablePipeline, 90), jobs * (bench.runs + 1), size(dataDirBytes), size(dataDirBytesStopped)));
    }

    private static RuntimeOptions.Builder options(Path template, DemoDjango django, String secret) {
        return RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(2)).console(new PrintStream(OutputStream.nullOutputStream()))
                .env("DJANGO_BASE_URL", django.baseUrl().toString())
                .env("OUTRIGGER_SIGNING_SECRET", secret).env("OUTRIGGER_SIGNING_SECRET_ARN", "");
    }

    private static String size(long bytes) {
        return bytes < 1 << 20 ? String.format(Locale.ROOT, "%d KiB", bytes >> 10) : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static SqsClient client(LocalRuntime rt) {
        return SqsClient.builder().endpointOverride(rt.sqsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder().build()).build();
    }

    static List<String> bodies(int jobs, String prefix) {
        List<String> bodies = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            ObjectNode payload = Json.MAPPER.createObjectNode().put("task", TASK).put("n", i);
            bodies.add(JobEnvelope.create("django.task", payload).withId(prefix + i).toJson());
        }
        return bodies;
    }

    static void send(SqsClient sqs, String url, List<String> bodies) {
        for (int i = 0; i < bodies.size(); i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
            for (int j = i; j < Math.min(i + 10, bodies.size()); j++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + j).messageBody(bodies.get(j)).build());
            }
            var sent = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
            if (!sent.failed().isEmpty()) {
                throw new IllegalStateException("SendMessageBatch failed: " + sent.failed());
            }
        }
    }

    /**
     * Milliseconds from the first send until the worker's calls reached Django for all N and JobsDefaultQueue is empty;
     * fails if any job reached JobsDefaultDLQ.
     */
    static double pipeline(LocalRuntime rt, SqsClient sqs, List<String> bodies, AtomicInteger done, int jobs) throws InterruptedException {
        String url = rt.queueUrl("JobsDefaultQueue");
        String dlqUrl = rt.queueUrl("JobsDefaultDLQ");
        long start = System.nanoTime();
        send(sqs, url, bodies);
        long deadline = start + ROUND_DEADLINE.toNanos();
        while (true) {
            int seen = done.get();
            if (seen >= jobs && depth(sqs, url) == 0) {
                double ms = (System.nanoTime() - start) / 1e6;
                if (depth(sqs, dlqUrl) > 0) {
                    throw new IllegalStateException("pipeline: jobs reached JobsDefaultDLQ (" + depth(sqs, dlqUrl) + ")");
                }
                return ms;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline: Django saw " + seen + " of " + jobs + " jobs, queue depth " + depth(sqs, url)
                        + " after " + ROUND_DEADLINE);
            }
            Thread.sleep(5); // polling with a deadline; the resolution is far below a round's seconds
        }
    }

    /** The same sends to a queue only plain receive/delete loops read: milliseconds until all N are deleted. */
    static double reference(SqsClient sqs, String url, List<String> bodies, int consumers) throws InterruptedException {
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong end = new AtomicLong();
        int jobs = bodies.size();
        long start = System.nanoTime();
        long deadline = start + ROUND_DEADLINE.toNanos();
        List<Thread> loops = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            loops.add(Thread.ofPlatform().name("bench-consumer-" + c).start(() -> {
                while (deleted.get() < jobs && System.nanoTime() < deadline) {
                    List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                    if (got.isEmpty()) {
                        continue;
                    }
                    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int i = 0; i < got.size(); i++) {
                        entries.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(got.get(i).receiptHandle()).build());
                    }
                    var r = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
                    if (deleted.addAndGet(r.successful().size()) >= jobs) {
                        end.compareAndSet(0, System.nanoTime()); // not the other loops' last empty long poll
                    }
                }
            }));
        }
        send(sqs, url, bodies);
        for (Thread t : loops) {
            t.join();
        }
        double ms = (end.get() - start) / 1e6;
        if (deleted.get() < jobs) {
            throw new IllegalStateException("reference: " + deleted.get() + " of " + jobs + " deleted after " + ROUND_DEADLINE);
        }
        return ms;
    }

    static int depth(SqsClient sqs, String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }
}
