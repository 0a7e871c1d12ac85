package dev.outrigger.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Summarises a DLQ by job type and error, and finds one message. Reads without consuming (see {@link DlqScanner}):
 * every message it sees is hidden for at most 30 s and made visible again at the end. It never deletes.
 */
public final class DlqInspector {
    public static final int DEFAULT_LIMIT = 10_000;
    static final int SAMPLE_IDS = 5;

    private final DlqScanner scanner;

    public DlqInspector(SqsClient sqs) {
        this(sqs, Clock.systemUTC());
    }

    public DlqInspector(SqsClient sqs, Clock clock) {
        this.scanner = new DlqScanner(sqs, clock);
    }

    /** Reads up to {@code limit} messages and summarises them. */
    public DlqSummary inspect(String dlqUrl, int limit) {
        List<DeadLetter> all = new ArrayList<>();
        DlqScanner.Result r = scanner.scan(dlqUrl, DlqScanner.Options.peek(limit), m -> {
            all.add(m);
            return DlqScanner.Disposition.RELEASE;
        });
        return summarise(dlqUrl, all, r);
    }

    /** The message whose job id (or SQS message id) is {@code id}, with its attributes and body. */
    public Optional<DeadLetter> show(String dlqUrl, String id, int limit) {
        DeadLetter[] found = new DeadLetter[1];
        scanner.scan(dlqUrl, DlqScanner.Options.peek(limit), new DlqScanner.Visitor() {
            @Override
            public DlqScanner.Disposition visit(DeadLetter m) {
                if (id.equals(m.jobId()) || id.equals(m.messageId()) || id.equals("sqs:" + m.messageId())) {
                    found[0] = m;
                }
                return DlqScanner.Disposition.RELEASE;
            }

            @Override
            public boolean done() {
                return found[0] != null;
            }
        });
        return Optional.ofNullable(found[0]);
    }

    static DlqSummary summarise(String queue, List<DeadLetter> all, DlqScanner.Result r) {
        Map<String, List<DeadLetter>> byGroup = new LinkedHashMap<>();
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, Integer> byError = new TreeMap<>();
        Instant oldest = null;
        Instant newest = null;
        for (DeadLetter m : all) {
            byGroup.computeIfAbsent(m.jobType() + "\u0000" + m.error(), k -> new ArrayList<>()).add(m);
            byType.merge(m.jobType(), 1, Integer::sum);
            byError.merge(m.error(), 1, Integer::sum);
            if (m.failedAt() != null) {
                oldest = oldest == null || m.failedAt().isBefore(oldest) ? m.failedAt() : oldest;
                newest = newest == null || m.failedAt().isAfter(newest) ? m.failedAt() : newest;
            }
        }
        List<DlqSummary.Group> groups = new ArrayList<>();
        for (List<DeadLetter> g : byGroup.values()) {
            groups.add(group(g));
        }
        groups.sort(Comparator.comparingInt(DlqSummary.Group::count).reversed()
                .thenComparing(DlqSummary.Group::jobType).thenComparing(DlqSummary.Group::error));
        return new DlqSummary(queue, r.approximateTotal(), r.approximateInFlight(), r.seen(), r.stopReason() == DlqScanner.StopReason.QUEUE_EXHAUSTED,
                r.stopReason().name(), groups, byType, byError, str(oldest), str(newest), r.releaseFailures());
    }

    private static DlqSummary.Group group(List<DeadLetter> g) {
        // Oldest first, so the samples are the ones that have waited longest.
        g.sort(Comparator.comparing(DeadLetter::failedAt, Comparator.nullsLast(Comparator.naturalOrder())));
        Integer minAttempts = null;
        Integer maxAttempts = null;
        Map<Integer, Integer> redrives = new TreeMap<>();
        int sqsMoved = 0;
        for (DeadLetter m : g) {
            if (m.attempts() != null) {
                minAttempts = minAttempts == null ? m.attempts() : Math.min(minAttempts, m.attempts());
                maxAttempts = maxAttempts == null ? m.attempts() : Math.max(maxAttempts, m.attempts());
            }
            redrives.merge(m.redriveCount(), 1, Integer::sum);
            sqsMoved += m.sqsMoved() ? 1 : 0;
        }
        List<String> samples = g.stream().limit(SAMPLE_IDS).map(DeadLetter::displayId).toList();
        DeadLetter first = g.get(0);
        return new DlqSummary.Group(first.jobType(), first.error(), g.size(), str(first.failedAt()),
                str(g.get(g.size() - 1).failedAt()), samples, minAttempts, maxAttempts, redrives, first.errorMessage(), sqsMoved);
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
