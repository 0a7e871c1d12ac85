package dev.outrigger.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The operations behind both the CLI and {@link DlqRedriveHandler}: a queue reference in, a report out. */
public final class OpsService {
    private final Queues queues;
    private final DlqInspector inspector;
    private final DlqRedriver redriver;
    private final Clock clock;

    public OpsService(SqsClient sqs, AuditSink audit) {
        this(sqs, audit, Clock.systemUTC());
    }

    public OpsService(SqsClient sqs, AuditSink audit, Clock clock) {
        this.queues = new Queues(sqs);
        this.inspector = new DlqInspector(sqs, clock);
        this.redriver = new DlqRedriver(sqs, audit, clock);
        this.clock = clock;
    }

    public DlqInspector inspector() {
        return inspector;
    }

    public DlqRedriver redriver() {
        return redriver;
    }

    public Queues queues() {
        return queues;
    }

    /** A DLQ URL from a name, URL or ARN; a jobs queue with a RedrivePolicy stands for its DLQ. */
    public String dlqUrl(String ref) {
        String url = queues.url(ref);
        return queues.deadLetterQueueOf(url).orElse(url);
    }

    /** Runs one handler input: an inspect, show, redrive, status or cancel of the request's queue. */
    public Object run(DlqOpsRequest in, String actor, Duration budget) {
        String dlq = dlqUrl(in.queue());
        return switch (in.action()) {
            case INSPECT -> inspector.inspect(dlq, in.limit());
            case SHOW -> inspector.show(dlq, in.jobId(), in.limit()).map(OpsService::describe)
                    .orElseThrow(() -> new IllegalArgumentException("no job '" + in.jobId() + "' in " + Queues.name(dlq)));
            case REDRIVE -> redriver.redrive(request(dlq, in, actor, budget));
            case STATUS -> redriver.moveTaskStatus(dlq, actor);
            case CANCEL -> redriver.cancelMoveTask(dlq, actor);
        };
    }

    RedriveRequest request(String dlq, DlqOpsRequest in, String actor, Duration budget) {
        Instant now = clock.instant();
        RedriveFilter filter = new RedriveFilter(in.types(), in.errors(),
                in.olderThan() == null ? null : TimeSpec.parse(in.olderThan(), now),
                in.newerThan() == null ? null : TimeSpec.parse(in.newerThan(), now), in.jobIds());
        return new RedriveRequest(dlq, filter, in.to() == null ? null : queues.url(in.to()), in.max(), in.rate(), in.dryRun(),
                in.maxRedrives(), in.all(), actor, budget);
    }

    /** One dead letter for `show`: reason, history, attributes and body. */
    public static Map<String, Object> describe(DeadLetter m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", m.jobId());
        out.put("messageId", m.messageId());
        out.put("jobType", m.jobType());
        out.put("error", m.error());
        out.put("errorMessage", m.errorMessage());
        out.put("attempts", m.attempts());
        out.put("sourceQueue", m.sourceQueue());
        out.put("failedAt", m.failedAt() == null ? null : m.failedAt().toString());
        out.put("redriveCount", m.redriveCount());
        out.put("previousError", m.previousError());
        out.put("movedBySqs", m.sqsMoved());
        out.put("attributes", m.attributes());
        out.put("body", m.body());
        return out;
    }
}
