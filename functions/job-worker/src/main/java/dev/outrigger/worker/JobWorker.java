package dev.outrigger.worker;

import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.ConfigException;
import dev.outrigger.core.Env;
import dev.outrigger.core.InvalidEnvelopeException;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Memo;
import dev.outrigger.core.SnapStartPriming;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs one batch of job messages and decides each message's fate (DESIGN.md, "Outcomes"):
 * <ul>
 *   <li>success: not reported failed, so Lambda deletes it;</li>
 *   <li>transient: reported failed, its visibility timeout set to a capped, jittered exponential backoff;</li>
 *   <li>permanent, malformed, unknown type, or transient on the last allowed attempt: the original body goes to the
 *       DLQ with attributes saying why, then the message counts as done; if that send fails it is reported failed.</li>
 * </ul>
 * Nothing is dropped: every message either succeeded, is safely in the DLQ, or is reported failed and comes back.
 *
 * <p>Jobs of a batch run concurrently on virtual threads, at most {@link WorkerConfig#concurrency()} at a time.
 */
public class JobWorker {
    private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);
    static final String INVALID_TYPE = "invalid";
    /** The error class of a FIFO message held back, unattempted, behind an earlier message of its group. */
    static final String HELD_BEHIND_FAILURE = "EarlierJobOfGroupFailed";

    private final JobHandlerRegistry registry;
    private final Supplier<SqsClient> sqs;
    private final WorkerConfig config;
    private final JobEvents events;
    private final Clock clock;
    private final Backoff backoff;
    private final QueueRoutes routes;
    private final DeadLetters deadLetters;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public JobWorker(JobHandlerRegistry registry, Supplier<SqsClient> sqs, WorkerConfig config, JobEvents events,
                     Clock clock, RandomGenerator random) {
        this.registry = registry;
        this.sqs = Memo.of(sqs);
        this.config = config;
        this.events = events;
        this.clock = clock;
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), random);
        this.routes = new QueueRoutes(this.sqs, config.dlqUrlOverride());
        this.deadLetters = new DeadLetters(this.sqs);
    }

    /** The production wiring: built-in and ServiceLoader job types, SQS client built on first need. */
    public static JobWorker fromEnv(Env env) {
        return fromEnv(env, System.out);
    }

    /** The production wiring, with the EMF metric lines written to {@code metrics}. */
    static JobWorker fromEnv(Env env, PrintStream metrics) {
        return new JobWorker(
                JobHandlerRegistry.fromEnv(env),
                () -> AwsClientConfig.configure(SqsClient.builder(), env, "SQS")
                        // Visibility changes and DLQ sends happen inside the safety margin; never let one hang past it.
                        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(4)))
                        .build(),
                WorkerConfig.fromEnv(env),
                LoggingJobEvents.fromEnv(env, metrics),
                Clock.systemUTC(),
                Backoff.jitter());
    }

    public WorkerConfig config() {
        return config;
    }

    /** Where priming reports go: nowhere. A snapshot must hold no log line or metric of a job that never ran. */
    private static final JobEvents NO_EVENTS = new JobEvents() {
        @Override
        public void record(JobReport report) {
        }

        @Override
        public void flush() {
        }
    };

    /**
     * SnapStart priming (registered by {@link SqsJobWorkerHandler}, run once before the snapshot): sends
     * {@link SnapStartPriming#SAMPLE_ENVELOPE} through the same path as a real batch (parse and validate, grouping,
     * the concurrent attempt with its timeout, outcome settling) with a handler that succeeds at once and a sink that
     * drops the report, so the classes and code of that path are in the snapshot. Then it builds this worker's SQS
     * client, without calling it: building is most of a client's cold cost, and a call would need the network and
     * credentials at publish time. No log line, no metric, no network, no secret.
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html)
     */
    public void prime() {
        JobHandler instant = new JobHandler() {
            @Override
            public String type() {
                return "django.task";
            }

            @Override
            public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
                return new JobOutcome.Succeeded("primed");
            }
        };
        // A worker of its own, so the priming handler and sink never reach this worker's registry or events.
        JobWorker primer = new JobWorker(new JobHandlerRegistry().register(instant),
                () -> {
                    throw new IllegalStateException("priming never calls SQS");
                },
                config, NO_EVENTS, clock, new java.util.SplittableRandom(0));
        ReceivedMessage sample = new ReceivedMessage("snapstart-priming", "snapstart-priming", SnapStartPriming.SAMPLE_ENVELOPE,
                1, clock.millis(), "arn:aws:sqs:us-east-1:000000000000:snapstart-priming", null, Map.of());
        try (ExecutorService ignored = primer.threads) {
            Set<String> failed = primer.process(List.of(sample), () -> Long.MAX_VALUE / 2);
            if (!failed.isEmpty()) {
                throw new IllegalStateException("the priming job did not succeed");
            }
        }
        sqs.get();
    }

    /**
     * Processes a batch.
     *
     * <p>The batch is cut into {@link Lane lanes} that run concurrently, at most {@link WorkerConfig#concurrency()} at a
     * time: each message group of a FIFO queue is one lane, run one job at a time in batch order; on a standard queue
     * each job is its own lane. In a FIFO lane, the first message that does not succeed stops the lane: it and every
     * later message of its group are reported failed, the later ones without being attempted
     * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html: "your function should stop
     * processing messages after the first failure and return all failed and unprocessed messages"). Lambda deletes
     * whatever is not reported, so otherwise a group's later jobs would overtake one that is coming back.
     *
     * <p>"Does not succeed" means: reported failed, so the message will be delivered again ({@code RETRIED},
     * {@code DEAD_LETTER_FAILED}, {@code NOT_STARTED}). A message the worker dead-letters itself
     * ({@code DEAD_LETTERED}: copied to the DLQ with its reason, then deleted by Lambda) is finished, exactly like
     * a message SQS moves to the DLQ itself after maxReceiveCount: the group goes on with its next message.
     *
     * <p>The messages held back behind a failure get visibility 0 at once: SQS hands out no message of a group while
     * one of it is in flight, so they stay behind the failed one (kept in flight for its backoff) and come back in
     * order right after it, instead of each waiting out the queue's whole visibility timeout.
     *
     * <p>At the invocation's end (the safety margin) a lane starts no further job: the rest of it, and the job it was
     * running if that does not finish in time, are reported failed, so the group's order survives the cut too.
     * In-batch dedupe (a job id repeated in the batch runs once) stays within a lane: across FIFO groups the copies
     * run separately, and Django's or the receiver's job-id dedupe drops the second.
     *
     * @param remainingMillis the invocation's remaining time (Lambda's {@code Context.getRemainingTimeInMillis})
     * @return the message ids to report as batch item failures; every other message of the batch is done
     */
    public Set<String> process(List<ReceivedMessage> batch, LongSupplier remainingMillis) {
        List<Lane> lanes = lanes(batch);
        List<Running> running = new ArrayList<>(lanes.size());
        Map<String, Boolean> settled = new ConcurrentHashMap<>();
        Set<String> failed = new LinkedHashSet<>();
        Semaphore slots = new Semaphore(config.concurrency());
        long marginMs = config.safetyMargin().toMillis();
        boolean outOfTime = false;
        for (Lane lane : lanes) {
            if (!outOfTime) {
                outOfTime = !acquireSlot(slots, remainingMillis, marginMs);
            }
            if (outOfTime) {
                // Not started: reported failed, so SQS hands it out again after its visibility timeout. Not lost.
                lane.units().forEach(this::notStarted);
                continue;
            }
            running.add(new Running(lane, threads.submit(withLogContext(() -> {
                try {
                    run(lane, remainingMillis, settled);
                } finally {
                    slots.release();
                }
                return null;
            }))));
        }
        for (Running entry : running) {
            Lane lane = entry.lane();
            // Leave a sliver of the margin to return the response itself.
            long wait = Math.max(0, remainingMillis.getAsLong() - Math.min(marginMs / 4, 1_000));
            try {
                entry.future().get(wait, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | CancellationException e) {
                // Still running as the invocation ends: what it has not settled is reported failed so it comes back.
                // If the running job does finish (say, its DLQ send lands), the worst case is a second try or a second
                // DLQ copy, never a lost job, and never a later job of its group ahead of it.
                entry.future().cancel(true);
                lane.units().stream().filter(u -> !settled.containsKey(u.leader().message().messageId()))
                        .forEach(this::notStarted);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // run() handles its own failures; anything here is a bug. Keep the messages.
                LOG.error("job worker bug while finishing a job", e.getCause());
            }
        }
        for (ReceivedMessage message : batch) {
            // Whatever has no settled outcome (not started, cut, a bug) is kept: reported failed, it comes back.
            if (settled.getOrDefault(message.messageId(), Boolean.TRUE)) {
                failed.add(message.messageId());
            }
        }
        events.flush();
        return failed;
    }

    /**
     * A task that runs with the submitting thread's log context (the invocation's MDC: service, function, request
     * id), which a new virtual thread does not inherit, so every line a job logs names its invocation.
     */
    private static <T> Callable<T> withLogContext(Callable<T> task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                return task.call();
            } finally {
                MDC.clear();
            }
        };
    }

    /** Waits for a free slot, but never into the safety margin: false means stop starting work. */
    private static boolean acquireSlot(Semaphore slots, LongSupplier remainingMillis, long marginMs) {
        try {
            long wait = remainingMillis.getAsLong() - marginMs;
            if (wait <= 0 || !slots.tryAcquire(wait, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (remainingMillis.getAsLong() - marginMs <= 0) {
            slots.release();
            return false;
        }
        return true;
    }

    private void notStarted(Unit unit) {
        Parsed leader = unit.leader();
        events.record(new JobReport(leader.message().messageId(), leader.jobId(), leader.type(),
                leader.message().approximateReceiveCount(), JobReport.Disposition.NOT_STARTED, 0, "DeadlineNear",
                unit.messages().size() - 1));
    }

    /** A message and what its body parsed to. */
    record Parsed(ReceivedMessage message, JobEnvelope envelope, InvalidEnvelopeException invalid) {
        String jobId() {
            return envelope == null ? null : envelope.id();
        }

        String type() {
            return envelope == null ? INVALID_TYPE : envelope.type();
        }

        String messageId() {
            return message.messageId();
        }
    }

    /** The messages of a lane that carry one job id (the first is the leader); a malformed message is its own unit. */
    record Unit(List<Parsed> messages) {
        Parsed leader() {
            return messages.get(0);
        }
    }

    /**
     * What runs one job at a time: a FIFO message group ({@code ordered}, its messages in batch order), or one job of a
     * standard queue (its copies in the batch). {@code unitOf} maps each message to the unit that runs it.
     */
    record Lane(boolean ordered, List<Parsed> messages, List<Unit> units, Map<Parsed, Unit> unitOf) {
    }

    private record Running(Lane lane, Future<?> future) {
    }

    /** Parses the batch and cuts it into lanes, in the order of each lane's first message. */
    static List<Lane> lanes(List<ReceivedMessage> batch) {
        Map<String, Lane> byKey = new LinkedHashMap<>();
        Map<String, Unit> unitByJob = new LinkedHashMap<>();
        int malformed = 0;
        for (ReceivedMessage message : batch) {
            Parsed parsed;
            try {
                parsed = new Parsed(message, JobEnvelope.parse(message.body()), null);
            } catch (InvalidEnvelopeException e) {
                parsed = new Parsed(message, null, e);
            }
            String group = message.messageGroupId();
            // A standard queue's lane is a job (its copies share it); a malformed body there is a lane of its own.
            String laneKey = group != null ? "group\u0000" + group
                    : parsed.envelope() != null ? "job\u0000" + parsed.jobId() : "malformed\u0000" + malformed;
            // Identity maps: a message or unit is itself, and hashing a record would hash whole bodies.
            Lane lane = byKey.computeIfAbsent(laneKey, k -> new Lane(group != null, new ArrayList<>(), new ArrayList<>(),
                    new IdentityHashMap<>()));
            Unit unit = parsed.envelope() == null ? null : unitByJob.get(laneKey + "\u0000" + parsed.jobId());
            if (unit == null) {
                unit = new Unit(new ArrayList<>());
                lane.units().add(unit);
                if (parsed.envelope() != null) {
                    unitByJob.put(laneKey + "\u0000" + parsed.jobId(), unit);
                } else {
                    malformed++;
                }
            }
            unit.messages().add(parsed);
            lane.messages().add(parsed);
            lane.unitOf().put(parsed, unit);
        }
        return List.copyOf(byKey.values());
    }

    /**
     * Runs a lane's jobs one at a time and records each message's fate in {@code settled} (message id → reported
     * failed) as soon as it is known, so a lane cut at the invocation's end keeps what it finished.
     */
    private void run(Lane lane, LongSupplier remainingMillis, Map<String, Boolean> settled) {
        Map<Unit, JobReport.Disposition> done = new IdentityHashMap<>();
        List<Parsed> held = new ArrayList<>();
        long marginMs = config.safetyMargin().toMillis();
        boolean stopped = false;
        for (Parsed message : lane.messages()) {
            if (stopped) {
                held.add(message);
                settled.put(message.messageId(), true);
                continue;
            }
            Unit unit = lane.unitOf().get(message);
            JobReport.Disposition disposition = done.get(unit);
            if (disposition == null) {
                if (Thread.currentThread().isInterrupted() || remainingMillis.getAsLong() - marginMs <= 0) {
                    // The invocation is ending: this job and the rest of the lane are not started (reported failed).
                    lane.units().stream().filter(u -> !done.containsKey(u)).forEach(this::notStarted);
                    return;
                }
                disposition = run(unit, remainingMillis);
                done.put(unit, disposition);
            }
            settled.put(message.messageId(), disposition.reportedFailed());
            stopped = lane.ordered() && disposition.reportedFailed();
        }
        hold(held);
    }

    /** FIFO: the messages of a group behind its first failure, reported failed unattempted and released at once. */
    private void hold(List<Parsed> held) {
        for (Parsed message : held) {
            events.record(new JobReport(message.messageId(), message.jobId(), message.type(),
                    message.message().approximateReceiveCount(), JobReport.Disposition.HELD, 0, HELD_BEHIND_FAILURE, 0));
            try {
                changeVisibility(routes.route(message.message().sourceQueueArn()), message.message(), 0);
            } catch (RuntimeException e) {
                // Still reported failed: it returns after the queue's visibility timeout instead, still in order.
                LOG.warn("cannot look up queue {} to release held message {}: {}", message.message().sourceQueueArn(),
                        message.messageId(), e.toString());
            }
        }
    }

    /**
     * Runs one unit and settles every message in it; returns its disposition.
     *
     * <p>A job id repeated within the lane runs once: the id is the idempotency key end to end, so the later
     * messages are the same job published twice. They share the first's outcome, each through its own receipt
     * handle: on success all are deleted (not reported failed); on a retry each is reported failed and each gets the
     * backoff visibility timeout (they are distinct SQS messages, so each comes back once); on a dead letter one copy
     * (the first's body) goes to the DLQ and all are deleted once it is there, or all reported failed if it is not.
     */
    private JobReport.Disposition run(Unit unit, LongSupplier remainingMillis) {
        Parsed leader = unit.leader();
        ReceivedMessage message = leader.message();
        int attempt = message.approximateReceiveCount();
        long started = System.nanoTime();
        JobOutcome outcome = leader.envelope() == null
                ? new JobOutcome.DeadLetter("InvalidEnvelope", leader.invalid().getMessage())
                : attempt(leader.envelope(), attempt, message.sourceQueueArn(), remainingMillis);
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        JobReport.Disposition disposition;
        String errorClass = null;
        switch (outcome) {
            case JobOutcome.Succeeded s -> disposition = JobReport.Disposition.SUCCEEDED;
            case JobOutcome.Retry retry -> {
                errorClass = retry.errorClass();
                disposition = settleRetry(unit, retry);
            }
            case JobOutcome.DeadLetter dead -> {
                errorClass = dead.errorClass();
                disposition = settleDeadLetter(unit, dead.errorClass(), dead.reason());
            }
        }
        events.record(new JobReport(message.messageId(), leader.jobId(), leader.type(), attempt, disposition,
                durationMs, errorClass, unit.messages().size() - 1));
        return disposition;
    }

    /** One try of a valid envelope, bounded by its timeout; every failure becomes an outcome. */
    private JobOutcome attempt(JobEnvelope job, int attempt, String sourceQueueArn, LongSupplier remainingMillis) {
        JobHandler handler;
        try {
            Optional<JobHandler> found = registry.find(job.type());
            if (found.isEmpty()) {
                return new JobOutcome.DeadLetter("UnknownJobType", "no handler for job type '" + job.type()
                        + "' (known: " + String.join(", ", new java.util.TreeSet<>(registry.types())) + ")");
            }
            handler = found.get();
        } catch (ConfigException e) {
            // Misconfiguration is fixable without touching the job: retry (and park once exhausted), don't discard.
            return new JobOutcome.Retry("ConfigError", e.getMessage(), null);
        } catch (RuntimeException e) {
            return new JobOutcome.Retry(e.getClass().getSimpleName(), "cannot build the handler: " + e.getMessage(), null);
        }
        Duration timeout = job.timeoutS() != null ? Duration.ofSeconds(job.timeoutS()) : config.defaultTimeout();
        Duration left = Duration.ofMillis(remainingMillis.getAsLong()).minus(config.safetyMargin());
        if (left.compareTo(timeout) < 0) {
            timeout = left.isNegative() ? Duration.ZERO : left;
        }
        JobAttempt jobAttempt = new JobAttempt(job.id(), attempt, clock.instant().plus(timeout),
                () -> lastAllowedAttempt(job.maxAttempts(), sourceQueueArn));
        Future<JobOutcome> future = threads.submit(withLogContext(() -> handler.handle(job, jobAttempt)));
        try {
            JobOutcome outcome = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return outcome != null ? outcome
                    : new JobOutcome.Retry("NullOutcome", "handler " + handler.getClass().getSimpleName() + " returned null", null);
        } catch (TimeoutException e) {
            // Interrupting a virtual thread also aborts its blocking socket I/O.
            future.cancel(true);
            return new JobOutcome.Retry("Timeout", "the try took longer than " + timeout.toMillis() + " ms", null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new JobOutcome.Retry("Interrupted", "the worker was interrupted", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            LOG.warn("job handler threw {} (job_id={}, type={})", cause.getClass().getName(), job.id(), job.type());
            return new JobOutcome.Retry(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()), null);
        }
    }

    /**
     * The attempt after which {@link #settleRetry} dead-letters instead of retrying: the lower of the envelope's
     * max_attempts and the queue's maxReceiveCount. Looked up only when a handler asks (the queue's limit costs an
     * SQS call once per queue), so a batch of other jobs still never builds the SQS client.
     */
    private OptionalInt lastAllowedAttempt(Integer maxAttempts, String sourceQueueArn) {
        OptionalInt byQueue;
        try {
            byQueue = routes.route(sourceQueueArn).maxReceiveCount();
        } catch (RuntimeException e) {
            LOG.warn("cannot look up queue {} for its maxReceiveCount: {}", sourceQueueArn, e.toString());
            byQueue = OptionalInt.empty();
        }
        if (maxAttempts == null) {
            return byQueue;
        }
        return OptionalInt.of(byQueue.isPresent() ? Math.min(maxAttempts, byQueue.getAsInt()) : maxAttempts);
    }

    private JobReport.Disposition settleRetry(Unit unit, JobOutcome.Retry retry) {
        Parsed leader = unit.leader();
        int attempt = leader.message().approximateReceiveCount();
        Integer maxAttempts = leader.envelope() == null ? null : leader.envelope().maxAttempts();
        QueueRoutes.Route route;
        try {
            route = routes.route(leader.message().sourceQueueArn());
        } catch (RuntimeException e) {
            // Without the queue URL the visibility can't be changed; the message comes back after the queue's
            // own visibility timeout instead. Still reported failed, still not lost.
            LOG.error("cannot look up queue {}: {}", leader.message().sourceQueueArn(), e.toString());
            return JobReport.Disposition.RETRIED;
        }
        boolean exhaustedByJob = maxAttempts != null && attempt >= maxAttempts;
        boolean exhaustedByQueue = route.maxReceiveCount().isPresent() && attempt >= route.maxReceiveCount().getAsInt();
        if (exhaustedByJob || exhaustedByQueue) {
            // Park it ourselves, with the reason: if we let SQS move it after maxReceiveCount, the DLQ copy would
            // not say why.
            String limit = exhaustedByJob ? "max_attempts " + maxAttempts : "the queue's maxReceiveCount " + route.maxReceiveCount().getAsInt();
            return settleDeadLetter(unit, retry.errorClass(),
                    "gave up after " + attempt + " attempts (" + limit + "): " + retry.reason());
        }
        int seconds = backoff.visibilitySeconds(attempt, retry.retryAfter());
        for (Parsed parsed : unit.messages()) {
            changeVisibility(route, parsed.message(), seconds);
        }
        return JobReport.Disposition.RETRIED;
    }

    private void changeVisibility(QueueRoutes.Route route, ReceivedMessage message, int seconds) {
        try {
            sqs.get().changeMessageVisibility(r -> r.queueUrl(route.queueUrl())
                    .receiptHandle(message.receiptHandle()).visibilityTimeout(seconds));
        } catch (RuntimeException e) {
            // The message is still reported failed; it just comes back after the queue's visibility timeout.
            LOG.warn("cannot set the visibility timeout of message {} on {}: {}", message.messageId(), route.queueName(), e.toString());
        }
    }

    private JobReport.Disposition settleDeadLetter(Unit unit, String errorClass, String reason) {
        Parsed leader = unit.leader();
        ReceivedMessage message = leader.message();
        QueueRoutes.Route route;
        try {
            route = routes.route(message.sourceQueueArn());
        } catch (RuntimeException e) {
            LOG.error("cannot look up queue {} to park message {}: {}", message.sourceQueueArn(), message.messageId(), e.toString());
            return JobReport.Disposition.DEAD_LETTER_FAILED;
        }
        if (route.dlqUrl().isEmpty()) {
            // No DLQ to park it in: deleting would lose the job, so keep it failing on the source queue, slowly
            // (the backoff cap), with a loud error each time, until someone configures a RedrivePolicy.
            LOG.error("cannot park message {} (job_id={}, error={}): queue {} has no dead-letter queue; it stays on the queue",
                    message.messageId(), leader.jobId(), errorClass, route.queueName());
            int seconds = (int) Math.min(config.backoffCap().getSeconds(), Backoff.SQS_MAX_VISIBILITY.getSeconds());
            unit.messages().forEach(p -> changeVisibility(route, p.message(), seconds));
            return JobReport.Disposition.DEAD_LETTER_FAILED;
        }
        try {
            deadLetters.send(route.dlqUrl().get(), route.dlqFifo(), route.queueName(), message,
                    new DeadLetters.Reason(errorClass, reason, message.approximateReceiveCount(), leader.jobId(),
                            leader.envelope() == null ? null : leader.envelope().type(), clock.instant()));
            return JobReport.Disposition.DEAD_LETTERED;
        } catch (RuntimeException e) {
            LOG.error("cannot send message {} to the DLQ of {}: {}; reported failed, it will come back",
                    message.messageId(), route.queueName(), e.toString());
            return JobReport.Disposition.DEAD_LETTER_FAILED;
        }
    }

}
