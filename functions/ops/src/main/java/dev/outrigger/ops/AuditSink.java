package dev.outrigger.ops;

import dev.outrigger.core.Json;
import java.io.PrintStream;
import java.util.List;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Where redrive audit records go: a JSON log line always, an event on the ops topic when configured. */
public interface AuditSink {
    void record(AuditRecord record) throws Exception;

    /** One JSON line per record ({"level":"INFO","message":"dlq redrive audit",…}) on the given stream. */
    static AuditSink jsonLog(PrintStream out) {
        return r -> {
            var line = Json.MAPPER.createObjectNode();
            line.put("level", "INFO");
            line.put("message", "dlq redrive audit");
            line.set("audit", Json.MAPPER.valueToTree(r));
            out.println(Json.write(line));
            out.flush();
        };
    }

    /**
     * Publishes the record as JSON to the ops topic, Subject naming what happened, with an {@code outrigger-event}
     * attribute so subscribers can filter (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html).
     */
    static AuditSink sns(SnsClient sns, String topicArn) {
        return r -> {
            String subject = (r.dryRun() ? "[dry run] " : "") + "Outrigger " + r.action() + ": " + r.moved() + " job(s) from "
                    + lastSegment(r.queue()) + " by " + r.actor();
            sns.publish(b -> b.topicArn(topicArn).subject(AlarmFormatter.subject(subject)).message(Json.write(r))
                    .messageAttributes(java.util.Map.of("outrigger-event", MessageAttributeValue.builder()
                            .dataType("String").stringValue(AuditRecord.EVENT).build())));
        };
    }

    /** Every sink gets the record; the first failure is rethrown after all have been tried. */
    static AuditSink all(List<AuditSink> sinks) {
        return r -> {
            Exception first = null;
            for (AuditSink s : sinks) {
                try {
                    s.record(r);
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }

    private static String lastSegment(String s) {
        return s == null ? "?" : s.substring(s.lastIndexOf('/') + 1);
    }
}
