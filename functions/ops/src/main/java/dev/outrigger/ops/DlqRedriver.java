package dev.outrigger.ops;

import dev.outrigger.core.DeadLetterAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskResponse;

/**
 * Moves dead letters back to their queue.
 *
 * <p>Without a filter it starts an SQS move task (StartMessageMoveTask), which SQS runs by itself; with a filter
 * (or --all, --max) it moves message by message: SendMessage to the source queue first, DeleteMessage from the DLQ
 * after. A crash in between leaves the job in both queues (the job id makes the second run a no-op in Django),
 * never in neither. Each message sent back carries its history ({@code outrigger-redrive-count},
 * {@code outrigger-previous-error[-message]}, {@code outrigger-redriven-at}); a job at the redrive limit is refused
 * and stays in the DLQ, so a poison job cannot loop. The body is sent unchanged; being a new SQS message, its
 * receive count (and so its attempt budget) starts again.
 *
 * <p>Every redrive writes an {@link AuditRecord} to the audit sink (dry runs too, marked as such).
 */
public final class DlqRedriver {
    private final SqsClient sqs;
    private final Queues queues;
    private final DlqScanner scanner;
    private final AuditSink audit;
    private final Clock clock;

    public DlqRedriver(SqsClient sqs, AuditSink audit) {
        this(sqs, audit, Clock.systemUTC());
    }

    public DlqRedriver(SqsClient sqs, AuditSink audit, Clock clock) {
        this.sqs = sqs;
        this.queues = new Queues(sqs);
        this.scanner = new DlqScanner(sqs, clock);
        this.audit = audit;
        this.clock = clock;
    }

    /** Message by message when {@link RedriveRequest#perMessage()}, else an SQS move task. */
    public RedriveReport redrive(RedriveRequest request) {
        return request.perMessage() ? redriveMessages(request) : startMoveTask(request);
    }

    // ------------------------------------------------------------------ message by message

    RedriveReport redriveMessages(RedriveRequest request) {
        Instant started = clock.instant();
        List<RedriveReport.Moved> moved = new ArrayList<>();
        List<RedriveReport.Refused> refused = new ArrayList<>();
        List<RedriveReport.Failed> failed = new ArrayList<>();
        int[] matched = {0};
        Map<String, String> destinations = new LinkedHashMap<>();
        // Job ids moved in this run: a job that dies again while the run goes on comes back to the DLQ as a new
        // message; moving it again would loop at the speed of the worker, whatever its redrive count says.
        java.util.Set<String> movedThisRun = new java.util.HashSet<>();
        Pacer pacer = new Pacer(request.ratePerSecond());
        Duration budget = request.timeBudget();
        // Messages that do not match stay hidden until the run ends (see DlqScanner), their visibility extended every
        // 30 s: if this process dies they reappear within a minute.
        DlqScanner.Options options = new DlqScanner.Options(Duration.ofSeconds(60), budget, Integer.MAX_VALUE, 2);

        DlqScanner.Result result = scanner.scan(request.dlqUrl(), options, new DlqScanner.Visitor() {
            @Override
            public DlqScanner.Disposition visit(DeadLetter m) {
                if (!request.filter().matches(m)) {
                    return DlqScanner.Disposition.RELEASE;
                }
                if (request.max() != null && moved.size() >= request.max()) {
                    return DlqScanner.Disposition.RELEASE;
                }
                matched[0]++;
                if (m.jobId() != null && movedThisRun.contains(m.jobId())) {
                    refused.add(new RedriveReport.Refused(m.displayId(), m.jobType(), m.error(), m.redriveCount(),
                            "redriven earlier in this run and dead-lettered again: fix the cause first"));
                    return DlqScanner.Disposition.RELEASE;
                }
                if (m.redriveCount() >= request.maxRedrives()) {
                    refused.add(new RedriveReport.Refused(m.displayId(), m.jobType(), m.error(), m.redriveCount(),
                            "redriven " + m.redriveCount() + " time(s) already (limit " + request.maxRedrives()
                                    + "); fix the cause, then raise --max-redrives for this job"));
                    return DlqScanner.Disposition.RELEASE;
                }
                String destination;
                try {
                    destination = destinationOf(m, request, destinations);
                } catch (IllegalArgumentException e) {
                    refused.add(new RedriveReport.Refused(m.displayId(), m.jobType(), m.error(), m.redriveCount(), e.getMessage()));
                    return DlqScanner.Disposition.RELEASE;
                }
                RedriveReport.Moved entry = new RedriveReport.Moved(m.displayId(), m.jobType(), m.error(),
                        Queues.name(destination), m.redriveCount() + 1);
                if (m.jobId() != null) {
                    movedThisRun.add(m.jobId());
                }
                if (request.dryRun()) {
                    moved.add(entry);
                    return DlqScanner.Disposition.RELEASE;
                }
                pacer.await();
                try {
                    sqs.sendMessage(resend(m, destination));
                } catch (RuntimeException e) {
                    failed.add(new RedriveReport.Failed(m.displayId(), "send to " + Queues.name(destination) + " failed: " + e.getMessage(), false));
                    return DlqScanner.Disposition.RELEASE;
                }
                try {
                    sqs.deleteMessage(b -> b.queueUrl(request.dlqUrl()).receiptHandle(m.receiptHandle()));
                } catch (RuntimeException e) {
                    // Sent but still in the DLQ: a duplicate, never a loss. It is released like any other message.
                    failed.add(new RedriveReport.Failed(m.displayId(), "sent, but delete from the DLQ failed: " + e.getMessage(), true));
                    return DlqScanner.Disposition.RELEASE;
                }
                moved.add(entry);
                return DlqScanner.Disposition.CONSUMED;
            }

            @Override
            public boolean done() {
                return request.max() != null && moved.size() >= request.max();
            }
        });
        boolean complete = result.stopReason() != DlqScanner.StopReason.TIME_BUDGET;
        RedriveReport report = new RedriveReport("filtered", request.dryRun(), Queues.name(request.dlqUrl()), request.actor(),
                started.toString(), request.filter().describe(), result.seen(), matched[0], moved, refused, failed,
                complete, result.stopReason().name(), result.approximateInFlight(), List.of(), null);
        return audited(request.dryRun() ? "redrive (dry run)" : "redrive", report);
    }

    private String destinationOf(DeadLetter m, RedriveRequest request, Map<String, String> cache) {
        String url;
        if (request.destinationUrl() != null) {
            url = request.destinationUrl();
        } else if (m.sourceQueue() != null) {
            url = cache.computeIfAbsent(m.sourceQueue(), q -> queues.url(q));
        } else {
            // SQS moved it itself: its source is the queue whose RedrivePolicy names this DLQ, if there is one.
            url = cache.computeIfAbsent("\u0000sources", k -> {
                List<String> sources = queues.sourcesOf(request.dlqUrl());
                if (sources.size() != 1) {
                    throw new IllegalArgumentException("source queue unknown (no outrigger-source-queue attribute and "
                            + sources.size() + " queues use this DLQ); pass --to <queue>");
                }
                return sources.get(0);
            });
        }
        if (Queues.name(url).equals(Queues.name(request.dlqUrl()))) {
            throw new IllegalArgumentException("destination is the DLQ itself");
        }
        return url;
    }

    /** The original body, unchanged, with its producer's attributes and the redrive history instead of the reason. */
    SendMessageRequest resend(DeadLetter m, String destinationUrl) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(DlqAttributes.REDRIVE_COUNT, MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(m.redriveCount() + 1)).build());
        attributes.put(DlqAttributes.PREVIOUS_ERROR, string(m.error()));
        // as short as the worker's error message
        attributes.put(DlqAttributes.PREVIOUS_ERROR_MESSAGE, string(DeadLetterAttributes.truncateUtf8(
                m.errorMessage() == null || m.errorMessage().isBlank() ? "(none)" : m.errorMessage(),
                DeadLetterAttributes.MAX_ERROR_MESSAGE_BYTES)));
        attributes.put(DlqAttributes.REDRIVEN_AT, string(clock.instant().toString()));
        for (Map.Entry<String, MessageAttributeValue> e : m.raw().messageAttributes().entrySet()) {
            if (attributes.size() >= DlqAttributes.SQS_MAX_ATTRIBUTES) {
                break;
            }
            if (DlqAttributes.isReason(e.getKey()) || attributes.containsKey(e.getKey())) {
                continue;
            }
            attributes.put(e.getKey(), e.getValue());
        }
        SendMessageRequest.Builder b = SendMessageRequest.builder().queueUrl(destinationUrl).messageBody(m.body())
                .messageAttributes(attributes);
        if (destinationUrl.endsWith(".fifo")) {
            String group = m.raw().attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            b.messageGroupId(group == null ? "outrigger-redrive" : group)
                    .messageDeduplicationId(m.messageId() + "-r" + (m.redriveCount() + 1));
        }
        return b.build();
    }

    // ------------------------------------------------------------------ SQS move tasks

    /**
     * Starts StartMessageMoveTask for the whole DLQ. The destination is named explicitly when exactly one queue uses
     * this DLQ: SQS redrives "to the original source" only for messages it moved itself, and the worker parks
     * jobs with SendMessage. A move task copies messages as they are (no history attributes), so it is refused when
     * any message has reached the redrive limit: --all moves message by message and leaves those behind.
     */
    RedriveReport startMoveTask(RedriveRequest request) {
        Instant now = clock.instant();
        String sourceArn = queues.arn(request.dlqUrl());
        String destinationArn;
        if (request.destinationUrl() != null) {
            destinationArn = queues.arn(request.destinationUrl());
        } else {
            List<String> sources = queues.sourcesOf(request.dlqUrl());
            destinationArn = sources.size() == 1 ? queues.arn(sources.get(0)) : null;
        }
        // Peek first: how many, and is any at the limit?
        List<DeadLetter> atLimit = new ArrayList<>();
        DlqScanner.Result peek = scanner.scan(request.dlqUrl(), DlqScanner.Options.peek(DlqInspector.DEFAULT_LIMIT), m -> {
            if (m.redriveCount() >= request.maxRedrives()) {
                atLimit.add(m);
            }
            return DlqScanner.Disposition.RELEASE;
        });
        if (!atLimit.isEmpty()) {
            List<RedriveReport.Refused> refused = atLimit.stream().map(m -> new RedriveReport.Refused(m.displayId(), m.jobType(),
                    m.error(), m.redriveCount(), "at the redrive limit " + request.maxRedrives()
                            + ": an SQS move task would move it too; use --all to move the others message by message")).toList();
            return new RedriveReport("move-task", true, Queues.name(request.dlqUrl()), request.actor(), now.toString(), Map.of(),
                    peek.seen(), peek.seen(), List.of(), refused, List.of(), true, "REFUSED_REDRIVE_LIMIT", peek.approximateInFlight(),
                    List.of(), null);
        }
        RedriveReport.MoveTask task;
        if (request.dryRun()) {
            task = new RedriveReport.MoveTask(null, "NOT_STARTED", sourceArn, destinationArn, 0L, (long) peek.seen(),
                    rate(request), null, null);
        } else {
            StartMessageMoveTaskResponse r = sqs.startMessageMoveTask(b -> {
                b.sourceArn(sourceArn);
                if (destinationArn != null) {
                    b.destinationArn(destinationArn);
                }
                if (rate(request) != null) {
                    b.maxNumberOfMessagesPerSecond(rate(request));
                }
            });
            task = new RedriveReport.MoveTask(r.taskHandle(), "RUNNING", sourceArn, destinationArn, 0L, (long) peek.seen(),
                    rate(request), null, now.toString());
        }
        RedriveReport report = new RedriveReport("move-task", request.dryRun(), Queues.name(request.dlqUrl()), request.actor(),
                now.toString(), Map.of(), peek.seen(), peek.seen(), List.of(), List.of(), List.of(), true,
                peek.stopReason().name(), peek.approximateInFlight(), List.of(task), null);
        return audited(request.dryRun() ? "move task (dry run)" : "move task started", report);
    }

    private static Integer rate(RedriveRequest request) {
        // SQS takes whole messages per second, 1..500.
        return request.ratePerSecond() == null ? null : (int) Math.max(1, Math.min(500, Math.round(request.ratePerSecond())));
    }

    /** The DLQ's move tasks, newest first (--status). */
    public RedriveReport moveTaskStatus(String dlqUrl, String actor) {
        String sourceArn = queues.arn(dlqUrl);
        List<RedriveReport.MoveTask> tasks = sqs.listMessageMoveTasks(b -> b.sourceArn(sourceArn).maxResults(10)).results()
                .stream().map(DlqRedriver::task).toList();
        return new RedriveReport("status", false, Queues.name(dlqUrl), actor, clock.instant().toString(), Map.of(), 0, 0,
                List.of(), List.of(), List.of(), true, "QUEUE_EXHAUSTED", null, tasks, null);
    }

    /** Cancels the DLQ's running move task (--cancel); moved messages stay moved. */
    public RedriveReport cancelMoveTask(String dlqUrl, String actor) {
        String sourceArn = queues.arn(dlqUrl);
        List<RedriveReport.MoveTask> cancelled = new ArrayList<>();
        for (ListMessageMoveTasksResultEntry e : sqs.listMessageMoveTasks(b -> b.sourceArn(sourceArn).maxResults(10)).results()) {
            if ("RUNNING".equals(e.status()) && e.taskHandle() != null) {
                long moved = sqs.cancelMessageMoveTask(b -> b.taskHandle(e.taskHandle())).approximateNumberOfMessagesMoved();
                RedriveReport.MoveTask t = task(e);
                cancelled.add(new RedriveReport.MoveTask(t.taskHandle(), "CANCELLING", t.sourceArn(), t.destinationArn(), moved,
                        t.approximateToMove(), t.maxPerSecond(), null, t.startedAt()));
            }
        }
        if (cancelled.isEmpty()) {
            throw new IllegalStateException("no running move task on " + Queues.name(dlqUrl));
        }
        RedriveReport report = new RedriveReport("cancel", false, Queues.name(dlqUrl), actor, clock.instant().toString(), Map.of(),
                0, 0, List.of(), List.of(), List.of(), true, "QUEUE_EXHAUSTED", null, cancelled, null);
        return audited("move task cancelled", report);
    }

    private static RedriveReport.MoveTask task(ListMessageMoveTasksResultEntry e) {
        return new RedriveReport.MoveTask(e.taskHandle(), e.status(), e.sourceArn(), e.destinationArn(),
                e.approximateNumberOfMessagesMoved(), e.approximateNumberOfMessagesToMove(), e.maxNumberOfMessagesPerSecond(),
                e.failureReason(), e.startedTimestamp() == null ? null : Instant.ofEpochMilli(e.startedTimestamp()).toString());
    }

    private RedriveReport audited(String action, RedriveReport report) {
        try {
            audit.record(AuditRecord.of(action, report));
            return report;
        } catch (Exception e) {
            // The move already happened; say loudly that its audit event is missing rather than hide the result.
            System.err.println("{\"level\":\"ERROR\",\"message\":\"dlq redrive audit not recorded\",\"error\":"
                    + dev.outrigger.core.Json.write(String.valueOf(e.getMessage())) + "}");
            return new RedriveReport(report.mode(), report.dryRun(), report.queue(), report.actor(), report.at(), report.filter(),
                    report.scanned(), report.matched(), report.moved(), report.refused(), report.failed(), report.complete(),
                    report.stopReason(), report.inFlightAtStart(), report.moveTasks(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static MessageAttributeValue string(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    /** Spaces sends to at most n per second (--rate). */
    static final class Pacer {
        private final long intervalNanos;
        private long next = System.nanoTime();

        Pacer(Double perSecond) {
            this.intervalNanos = perSecond == null ? 0 : (long) (1_000_000_000L / perSecond);
        }

        void await() {
            if (intervalNanos == 0) {
                return;
            }
            long now = System.nanoTime();
            while (now < next) {
                LockSupport.parkNanos(next - now);
                now = System.nanoTime();
            }
            next = Math.max(next, now) + intervalNanos;
        }
    }
}
