package dev.outrigger.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch metrics as Embedded Metric Format log lines: one JSON line per job type per batch, which CloudWatch
 * Logs turns into metrics with no API call and no extra library
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * <p>Why not powertools-metrics: it brings aws-embedded-metrics and commons-lang3 and their initialisation to every
 * cold start, for what is a single JSON line here.
 */
public final class EmfMetrics {
    /** EMF allows at most 100 values per metric in one document. */
    static final int MAX_VALUES = 100;

    private final String namespace;
    private final String service;
    private final PrintStream out;
    private final Clock clock;
    private final Map<String, Counts> byType = new LinkedHashMap<>();

    public EmfMetrics(String namespace, String service, PrintStream out, Clock clock) {
        this.namespace = namespace;
        this.service = service;
        this.out = out;
        this.clock = clock;
    }

    private static final class Counts {
        int succeeded;
        int retried;
        int deadLettered;
        int deadLetterFailed;
        int notStarted;
        int held;
        final List<Long> durations = new ArrayList<>();
    }

    public synchronized void record(JobReport report) {
        Counts counts = byType.computeIfAbsent(report.type(), t -> new Counts());
        switch (report.outcome()) {
            case SUCCEEDED -> counts.succeeded++;
            case RETRIED -> counts.retried++;
            case DEAD_LETTERED -> counts.deadLettered++;
            case DEAD_LETTER_FAILED -> counts.deadLetterFailed++;
            case NOT_STARTED -> counts.notStarted++;
            case HELD -> counts.held++;
        }
        if (report.outcome() != JobReport.Disposition.NOT_STARTED && report.outcome() != JobReport.Disposition.HELD) {
            counts.durations.add(report.durationMs());
        }
    }

    public synchronized void flush() {
        long timestamp = clock.millis();
        for (Map.Entry<String, Counts> entry : byType.entrySet()) {
            Counts counts = entry.getValue();
            List<Long> durations = counts.durations;
            int chunks = Math.max(1, (durations.size() + MAX_VALUES - 1) / MAX_VALUES);
            for (int chunk = 0; chunk < chunks; chunk++) {
                boolean first = chunk == 0;
                List<Long> values = durations.subList(chunk * MAX_VALUES, Math.min(durations.size(), (chunk + 1) * MAX_VALUES));
                out.println(Json.write(document(timestamp, entry.getKey(), first ? counts : null, values)));
            }
        }
        out.flush();
        byType.clear();
    }

    private ObjectNode document(long timestamp, String type, Counts counts, List<Long> durations) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", timestamp);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("JobType");
        ArrayNode metrics = directive.putArray("Metrics");
        if (counts != null) {
            count(root, metrics, "JobsSucceeded", counts.succeeded);
            count(root, metrics, "JobsRetried", counts.retried);
            count(root, metrics, "JobsDeadLettered", counts.deadLettered);
            count(root, metrics, "DeadLetterSendFailures", counts.deadLetterFailed);
            count(root, metrics, "JobsNotStarted", counts.notStarted);
            count(root, metrics, "JobsHeld", counts.held);
        }
        if (!durations.isEmpty()) {
            metrics.addObject().put("Name", "JobDuration").put("Unit", "Milliseconds");
            ArrayNode values = root.putArray("JobDuration");
            durations.forEach(values::add);
        }
        root.put("JobType", type);
        if (service != null) {
            // A property, not a dimension: searchable in Logs Insights without multiplying metric series.
            root.put("service", service);
        }
        return root;
    }

    private static void count(ObjectNode root, ArrayNode metrics, String name, int value) {
        metrics.addObject().put("Name", name).put("Unit", "Count");
        root.put(name, value);
    }
}
