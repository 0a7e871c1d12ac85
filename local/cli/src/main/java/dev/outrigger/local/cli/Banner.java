package dev.outrigger.local.cli;

import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.LocalFunction;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeExtension;
import dev.outrigger.local.runtime.SqsEventSourcePoller;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.ResourceDef;
import dev.outrigger.local.template.SqsEventSource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The table `local up` prints. */
final class Banner {
    private Banner() {
    }

    static void print(LocalRuntime rt, PrintStream out) {
        LocalTemplate t = rt.template();
        Set<String> dlqs = t.deadLetterQueues();
        out.println();
        out.println("Outrigger local runtime: " + t.path() + " (region " + t.endpoints().region() + ")");
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"QUEUE", "KIND", "VISIBILITY", "DEAD-LETTER QUEUE", "URL"});
        for (QueueDef q : t.queues().values()) {
            String kind = (dlqs.contains(q.logicalId()) ? "DLQ" : "queue") + (q.fifo() ? " (FIFO)" : "");
            String dlq = q.redrive() == null ? "-" : q.redrive().deadLetterQueue() + " after " + q.redrive().maxReceiveCount() + " receives";
            rows.add(new String[] {q.logicalId(), kind, q.visibilityTimeoutSeconds() + " s", dlq, q.url()});
        }
        table(rows, out);
        out.println();
        rows = new ArrayList<>();
        rows.add(new String[] {"FUNCTION", "HANDLER", "TIMEOUT", "MEMORY", "SQS EVENT SOURCES"});
        for (LocalFunction fn : rt.functions().values()) {
            List<String> sources = new ArrayList<>();
            for (SqsEventSource s : fn.def().sqsEventSources()) {
                int concurrency = s.maximumConcurrency() == null ? SqsEventSourcePoller.DEFAULT_CONCURRENCY : s.maximumConcurrency();
                sources.add(s.queue() + " (batch " + s.batchSize() + ", window " + s.maximumBatchingWindowSeconds() + " s, concurrency "
                        + concurrency + (s.reportBatchItemFailures() ? ", partial failures" : "") + (s.enabled() ? "" : ", DISABLED") + ")");
            }
            rows.add(new String[] {fn.def().logicalId(), fn.def().handler(), fn.def().timeoutSeconds() + " s",
                    fn.def().memorySizeMb() + " MB", sources.isEmpty() ? "-" : String.join("; ", sources)});
        }
        table(rows, out);
        DjangoCheck.print(rt, out);
        if (!t.topics().isEmpty()) {
            out.println();
            t.topics().values().forEach(topic -> out.println("SNS topic " + topic.logicalId() + ": " + topic.arn()));
        }
        if (!t.notEmulated().isEmpty()) {
            out.println();
            List<String> names = t.notEmulated().stream().map(r -> r.logicalId() + " (" + r.type() + ")").toList();
            out.println("Not emulated: " + String.join(", ", names));
            t.notEmulated().stream().map(ResourceDef::note).filter(n -> n != null).forEach(n -> out.println("  note: " + n));
        }
        rt.warnings().forEach(w -> out.println("warning: " + w));
        for (RuntimeExtension ext : rt.extensions()) {
            if (ext.describe() != null) {
                out.println(ext.describe());
            }
        }
        out.println();
        out.println("Endpoints:");
        out.println("  SQS (ElasticMQ)           " + rt.sqsEndpoint());
        out.println("  SNS, EventBridge, others  " + rt.emulatorEndpoint());
        out.println("  published messages        " + rt.snsSink().file() + ", " + rt.eventsSink().file());
        out.println();
        t.queues().values().stream().filter(q -> !dlqs.contains(q.logicalId())).filter(q -> hasPoller(rt, q)).findFirst()
                .ifPresent(q -> {
                    var payload = Json.MAPPER.createObjectNode().put("task", "reports.generate");
                    String envelope = JobEnvelope.create("django.task", payload).toJson();
                    out.println("Send a first job:");
                    out.println("  aws --endpoint-url " + rt.sqsEndpoint() + " --region " + t.endpoints().region() + " sqs send-message \\");
                    out.println("    --queue-url " + q.url() + " \\");
                    out.println("    --message-body '" + envelope + "'" + (q.fifo() ? " --message-group-id demo" : ""));
                    out.println("  (or: ./outrigger jobs send --queue " + q.logicalId() + " --type django.task --payload '{\"task\": \"reports.generate\"}')");
                    out.println();
                });
        out.println("Ctrl-C stops; unfinished messages go back to their queues.");
    }

    private static boolean hasPoller(LocalRuntime rt, QueueDef q) {
        return rt.functions().values().stream().anyMatch(f -> f.def().sqsEventSources().stream().anyMatch(s -> s.queue().equals(q.logicalId())));
    }

    static void table(List<String[]> rows, PrintStream out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder("  ");
            for (int i = 0; i < cols; i++) {
                b.append(r[i]);
                if (i < cols - 1) {
                    b.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
