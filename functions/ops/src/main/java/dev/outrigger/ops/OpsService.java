package dev.outrigger.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** Runs one handler input: {"action": inspect|show|redrive|status|cancel, "queue": …, filters…}. */
    public Object run(Map<String, Object> in, String actor, Duration budget) {
        String action = string(in, "action", "inspect");
        String queue = string(in, "queue", null);
        if (queue == null) {
            throw new IllegalArgumentException("input field 'queue' is required (a DLQ or jobs queue name, URL or ARN)");
        }
        String dlq = dlqUrl(queue);
        int limit = integer(in, "limit", DlqInspector.DEFAULT_LIMIT);
        return switch (action) {
            case "inspect" -> inspector.inspect(dlq, limit);
            case "show" -> {
                String id = string(in, "jobId", null);
                if (id == null) {
                    throw new IllegalArgumentException("input field 'jobId' is required for action 'show'");
                }
                yield inspector.show(dlq, id, limit).map(OpsService::describe)
                        .orElseThrow(() -> new IllegalArgumentException("no job '" + id + "' in " + Queues.name(dlq)));
            }
            case "redrive" -> redriver.redrive(request(dlq, in, actor, budget));
            case "status" -> redriver.moveTaskStatus(dlq, actor);
            case "cancel" -> redriver.cancelMoveTask(dlq, actor);
            default -> throw new IllegalArgumentException("input field 'action' must be inspect, show, redrive, status or cancel, got '"
                    + action + "'");
        };
    }

    RedriveRequest request(String dlq, Map<String, Object> in, String actor, Duration budget) {
        Instant now = clock.instant();
        String older = string(in, "olderThan", null);
        String newer = string(in, "newerThan", null);
        RedriveFilter filter = new RedriveFilter(strings(in, "type"), strings(in, "error"),
                older == null ? null : TimeSpec.parse(older, now), newer == null ? null : TimeSpec.parse(newer, now),
                strings(in, "jobId"));
        String to = string(in, "to", null);
        Object rate = in.get("rate");
        return new RedriveRequest(dlq, filter, to == null ? null : queues.url(to),
                in.get("max") == null ? null : integer(in, "max", 0),
                rate == null ? null : Double.valueOf(rate.toString().replace("/s", "")),
                Boolean.parseBoolean(String.valueOf(in.getOrDefault("dryRun", "false"))),
                integer(in, "maxRedrives", RedriveRequest.DEFAULT_MAX_REDRIVES),
                Boolean.parseBoolean(String.valueOf(in.getOrDefault("all", "false"))), actor, budget);
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

    private static String string(Map<String, Object> in, String key, String dflt) {
        Object v = in.get(key);
        return v == null ? dflt : v.toString();
    }

    private static int integer(Map<String, Object> in, String key, int dflt) {
        Object v = in.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input field '" + key + "' must be a whole number, got '" + v + "'");
        }
    }

    private static Set<String> strings(Map<String, Object> in, String key) {
        Object v = in.get(key);
        if (v == null) {
            return Set.of();
        }
        if (v instanceof Collection<?> c) {
            return Set.copyOf(c.stream().map(Object::toString).toList());
        }
        return Set.copyOf(List.of(v.toString().split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
}
