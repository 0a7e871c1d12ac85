package dev.outrigger.local.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.core.SecretSources;
import dev.outrigger.local.runtime.LocalFunction;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.SqsEventSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code outrigger demo}: starts the runtime from the template on free ports with a stand-in Django
 * ({@link DemoDjango}), publishes a mix of jobs to the job worker's queue, narrates each success, retry and dead
 * letter as it happens, prints a summary and stops. {@link Result#exitCode()} is 0 when every job ended as expected.
 */
public final class Demo {
    public static final int BACKOFF_BASE_S = 1;
    public static final int BACKOFF_CAP_S = 2;
    private static final String WORKER_HANDLER = "dev.outrigger.worker.SqsJobWorkerHandler";

    /** How a job should end. */
    public enum Outcome { SUCCEEDED, DEAD_LETTERED, UNSETTLED }

    /**
     * A job the demo publishes.
     *
     * @param label         what the narration and summary call it (the job id when the body has one)
     * @param what          its type/task, for the table
     * @param body          the SQS message body (possibly malformed on purpose)
     * @param expected      how it should end
     * @param expectedTries Django calls it should take (0 when it never reaches Django)
     * @param expectedError the DLQ's outrigger-error, when dead-lettered
     */
    public record Job(String label, String what, String body, Outcome expected, int expectedTries, String expectedError) {
    }

    /** How a job ended. */
    public record JobResult(Job job, Outcome outcome, int tries, String error, String errorMessage) {
        public boolean asExpected() {
            return outcome == job.expected() && tries == job.expectedTries()
                    && (job.expected() != Outcome.DEAD_LETTERED || job.expectedError().equals(error));
        }
    }

    /**
     * @param leftOnQueue   messages still on the jobs queue at the end (visible, in flight or delayed)
     * @param unknownInDlq  DLQ messages that match no published job
     * @param badSignatures Django calls whose signature did not verify
     */
    public record Result(int exitCode, List<JobResult> jobs, int leftOnQueue, int unknownInDlq, int badSignatures, Duration took) {
        public long count(Outcome o) {
            return jobs.stream().filter(j -> j.outcome() == o).count();
        }
    }

    private final Path template;
    private final Duration timeout;
    private final PrintStream out;
    private final PrintStream runtimeConsole;
    private final boolean dlqCommandAvailable;
    private final long t0 = System.nanoTime();

    /**
     * @param template            the SAM template (the repository's template.yaml)
     * @param timeout             give up (exit 1) if the jobs have not settled by then
     * @param out                 the narration
     * @param runtimeConsole      where the runtime's own console output goes (the demo keeps it out of the narration)
     * @param dlqCommandAvailable whether to suggest `outrigger dlq inspect` at the end
     */
    public Demo(Path template, Duration timeout, PrintStream out, PrintStream runtimeConsole, boolean dlqCommandAvailable) {
        this.template = template;
        this.timeout = timeout;
        this.out = out;
        this.runtimeConsole = runtimeConsole;
        this.dlqCommandAvailable = dlqCommandAvailable;
    }

    /** The jobs the demo publishes: three that succeed, one that fails twice first, three that land in the DLQ. */
    public static List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            jobs.add(task("demo-ok-" + i, "demo.ok", Outcome.SUCCEEDED, 1, null));
        }
        jobs.add(task("demo-flaky-1", "demo.flaky", Outcome.SUCCEEDED, 3, null));
        jobs.add(task("demo-reject-1", "demo.reject", Outcome.DEAD_LETTERED, 1, "Http422"));
        ObjectNode payload = Json.MAPPER.createObjectNode().put("to", "ops@example.com");
        jobs.add(new Job("demo-unknown-type-1", "email.send", JobEnvelope.create("email.send", payload).withId("demo-unknown-type-1").toJson(),
                Outcome.DEAD_LETTERED, 0, "UnknownJobType"));
        jobs.add(new Job("(malformed body)", "no version/id/created_at", "{\"type\":\"django.task\",\"payload\":{\"task\":\"demo.ok\"}}",
                Outcome.DEAD_LETTERED, 0, "InvalidEnvelope"));
        return jobs;
    }

    private static Job task(String id, String task, Outcome expected, int tries, String error) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("task", task);
        payload.putObject("kwargs").put("demo", true);
        String body = JobEnvelope.create("django.task", payload).withId(id).toJson();
        return new Job(id, "django.task " + task, body, expected, tries, error);
    }

    public Result run() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        List<Job> jobs = jobs();
        Map<String, Job> byBody = new LinkedHashMap<>();
        jobs.forEach(j -> byBody.put(j.body(), j));
        Map<Job, DlqEntry> dead = new ConcurrentHashMap<>();
        Map<String, Long> lastCall = new ConcurrentHashMap<>();
        int unknownInDlq = 0;

        out.println("Outrigger demo: the real job worker from " + template + ", a stand-in Django that checks every signature,");
        out.println("and short backoff (" + BACKOFF_BASE_S + " s, capped at " + BACKOFF_CAP_S + " s) so retries show up quickly.");
        out.println();
        try (DemoDjango django = DemoDjango.start(secret)) {
            RuntimeOptions options = RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                    .stopGrace(Duration.ofSeconds(5)).console(runtimeConsole)
                    .env("DJANGO_BASE_URL", django.baseUrl().toString())
                    .env(SecretSources.LITERAL, secret).env(SecretSources.ARN, "")
                    .env("OUTRIGGER_BACKOFF_BASE_S", String.valueOf(BACKOFF_BASE_S))
                    .env("OUTRIGGER_BACKOFF_CAP_S", String.valueOf(BACKOFF_CAP_S))
                    .build();
            try (LocalRuntime rt = LocalRuntime.start(options)) {
                QueueDef queue = workerQueue(rt);
                QueueDef dlq = rt.template().queues().get(queue.redrive().deadLetterQueue());
                say("runtime up: SQS on " + rt.sqsEndpoint() + ", Django stand-in on " + django.baseUrl());
                say("queue " + queue.name() + " -> DLQ " + dlq.name() + " after " + queue.redrive().maxReceiveCount() + " receives");
                django.onCall(call -> narrate(call, lastCall));
                out.println();
                out.println("Publishing " + jobs.size() + " jobs:");
                for (Job j : jobs) {
                    out.printf("  %-20s %-26s expected: %s%n", j.label(), j.what(), expectation(j));
                    rt.sqs().sendMessage(b -> b.queueUrl(queue.url()).messageBody(j.body()));
                }
                out.println();

                long deadline = System.nanoTime() + timeout.toNanos();
                int left = -1;
                while (System.nanoTime() < deadline) {
                    for (Message m : receive(rt.sqs(), dlq.url())) {
                        Job j = byBody.get(m.body());
                        DlqEntry e = new DlqEntry(attr(m, "outrigger-error"), attr(m, "outrigger-error-message"), attr(m, "outrigger-attempts"));
                        if (j == null) {
                            unknownInDlq++;
                            say("DLQ    a message the demo did not send: " + e.error() + ": " + e.message());
                        } else {
                            dead.put(j, e);
                            say(String.format("DLQ    %-20s %s: %s", j.label(), e.error(), e.message())
                                    + (e.attempts() == null ? "" : " (attempt " + e.attempts() + ")"));
                        }
                        rt.sqs().deleteMessage(b -> b.queueUrl(dlq.url()).receiptHandle(m.receiptHandle()));
                    }
                    boolean settled = jobs.stream().allMatch(j -> dead.containsKey(j) || succeeded(django, j));
                    left = settled ? onQueue(rt.sqs(), queue.url()) : -1;
                    if (settled && left == 0) {
                        break;
                    }
                }
                if (left != 0) {
                    left = onQueue(rt.sqs(), queue.url());
                }
                out.println();
                say("stopping the runtime");
                rt.stop();
                Result result = result(jobs, django, dead, left, unknownInDlq);
                summary(result, rt, queue, dlq);
                return result;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("demo: cannot start the Django stand-in: " + e.getMessage(), e);
        }
    }

    private record DlqEntry(String error, String message, String attempts) {
    }

    private Result result(List<Job> jobs, DemoDjango django, Map<Job, DlqEntry> dead, int left, int unknownInDlq) {
        List<JobResult> results = new ArrayList<>();
        for (Job j : jobs) {
            int tries = jobId(j).map(id -> django.callsFor(id).size()).orElse(0);
            DlqEntry e = dead.get(j);
            Outcome o = e != null ? Outcome.DEAD_LETTERED : succeeded(django, j) ? Outcome.SUCCEEDED : Outcome.UNSETTLED;
            results.add(new JobResult(j, o, tries, e == null ? null : e.error(), e == null ? null : e.message()));
        }
        int badSignatures = (int) django.calls().stream().filter(c -> !c.signatureValid()).count();
        boolean ok = results.stream().allMatch(JobResult::asExpected) && left == 0 && unknownInDlq == 0 && badSignatures == 0;
        return new Result(ok ? 0 : 1, List.copyOf(results), left, unknownInDlq, badSignatures, Duration.ofNanos(System.nanoTime() - t0));
    }

    private void summary(Result r, LocalRuntime rt, QueueDef queue, QueueDef dlq) {
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"JOB", "WHAT", "DJANGO CALLS", "OUTCOME", "AS EXPECTED"});
        for (JobResult j : r.jobs()) {
            String outcome = switch (j.outcome()) {
                case SUCCEEDED -> j.tries() > 1 ? "succeeded after " + (j.tries() - 1) + " retries" : "succeeded";
                case DEAD_LETTERED -> "DLQ: " + j.error();
                case UNSETTLED -> "NOT SETTLED";
            };
            rows.add(new String[] {j.job().label(), j.job().what(), String.valueOf(j.tries()), outcome, j.asExpected() ? "yes" : "NO"});
        }
        table(rows);
        out.println();
        long retried = r.jobs().stream().filter(j -> j.outcome() == Outcome.SUCCEEDED && j.tries() > 1).count();
        out.printf("%d jobs: %d succeeded (%d after retries), %d dead-lettered with their reasons, %d left on the queue, "
                        + "%d unexpected in the DLQ; %s. %.1f s.%n",
                r.jobs().size(), r.count(Outcome.SUCCEEDED), retried, r.count(Outcome.DEAD_LETTERED), r.leftOnQueue(), r.unknownInDlq(),
                r.badSignatures() == 0 ? "every Django call was correctly signed" : r.badSignatures() + " call(s) with a BAD signature",
                r.took().toMillis() / 1000.0);
        out.println(r.exitCode() == 0 ? "Everything ended as expected." : "Something did not end as expected (see above); exit 1.");
        out.println();
        String local = "http://127.0.0.1:9324";
        String url = queue.url().replace(rt.sqsEndpoint().toString(), local);
        ObjectNode payload = Json.MAPPER.createObjectNode().put("task", "reports.generate");
        String envelope = JobEnvelope.create("django.task", payload).toJson();
        out.println("Next:");
        out.println("  ./outrigger local up                # this runtime until Ctrl-C; point Django at it (signing secret in .outrigger/)");
        out.println("  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1");
        out.println("  aws --endpoint-url " + local + " sqs send-message --queue-url " + url + " \\");
        out.println("    --message-body '" + envelope + "'");
        out.println("  ./outrigger queues                  # depth, in flight and oldest age of every queue and DLQ");
        if (dlqCommandAvailable) {
            out.println("  ./outrigger dlq inspect --queue " + dlq.logicalId() + "   # why jobs failed; then `dlq redrive`");
        }
    }

    private void narrate(DemoDjango.Call call, Map<String, Long> lastCall) {
        Long previous = call.jobId() == null ? null : lastCall.put(call.jobId(), call.atNanos());
        String later = previous == null ? "" : String.format(" (%.1f s after the last try)", (call.atNanos() - previous) / 1e9);
        String label = String.format("%-20s attempt %d%s", call.jobId(), call.attempt(), later);
        if (!call.signatureValid()) {
            say("BAD    " + label + ": the signature did not verify, Django answered 401");
        } else if (call.status() >= 200 && call.status() < 300) {
            say("OK     " + label + ": Django answered " + call.status() + ", done");
        } else if (call.status() >= 500 || call.status() == 429) {
            long ceiling = Math.min(BACKOFF_CAP_S, BACKOFF_BASE_S * (1L << Math.min(20, Math.max(0, call.attempt() - 1))));
            say("RETRY  " + label + ": Django answered " + call.status() + ", the worker backs off (random, at most " + ceiling
                    + " s) and tries again");
        } else {
            say("FAIL   " + label + ": Django answered " + call.status() + ", permanent: no retry");
        }
    }

    private static String expectation(Job j) {
        return switch (j.expected()) {
            case SUCCEEDED -> j.expectedTries() > 1 ? "succeeds after " + (j.expectedTries() - 1) + " retries (503 first)" : "succeeds";
            case DEAD_LETTERED -> "DLQ (" + j.expectedError() + ")";
            case UNSETTLED -> "?";
        };
    }

    private static boolean succeeded(DemoDjango django, Job j) {
        return jobId(j).map(id -> django.callsFor(id).stream().anyMatch(c -> c.signatureValid() && c.status() / 100 == 2)).orElse(false);
    }

    private static Optional<String> jobId(Job j) {
        try {
            return Optional.of(JobEnvelope.parse(j.body()).id());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The queue of the first SQS event source whose function runs the job worker and that has a DLQ. */
    static QueueDef workerQueue(LocalRuntime rt) {
        for (LocalFunction fn : rt.functions().values()) {
            if (!fn.def().handler().startsWith(WORKER_HANDLER)) {
                continue;
            }
            for (SqsEventSource s : fn.def().sqsEventSources()) {
                QueueDef q = rt.template().queues().get(s.queue());
                if (q != null && q.redrive() != null && !q.fifo() && s.enabled()) {
                    return q;
                }
            }
        }
        throw new IllegalArgumentException(rt.template().path() + ": no function with handler " + WORKER_HANDLER
                + " has an SQS event source on a standard queue with a RedrivePolicy; the demo needs one");
    }

    private static List<Message> receive(SqsClient sqs, String url) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(30)
                .messageAttributeNames("All")).messages();
    }

    static int onQueue(SqsClient sqs, String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static String attr(Message m, String name) {
        MessageAttributeValue v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    private synchronized void say(String line) {
        out.printf("  [%4.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
    }

    private void table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                b.append(r[i]).append(i < r.length - 1 ? " ".repeat(width[i] - r[i].length() + 2) : "");
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
