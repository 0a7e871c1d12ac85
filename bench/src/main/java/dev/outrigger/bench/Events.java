package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import java.nio.charset.StandardCharsets;

/** Job envelopes and SQS events as Lambda's event source mapping delivers them. */
public final class Events {
    private Events() {
    }

    /** A django.task envelope; {@code padTo} > 0 pads kwargs.blob so the UTF-8 body is exactly that many bytes. */
    public static String envelope(String id, String task, int padTo) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("version", 1);
        node.put("id", id);
        node.put("type", "django.task");
        ObjectNode payload = node.putObject("payload");
        payload.put("task", task);
        payload.putArray("args").add(42);
        ObjectNode kwargs = payload.putObject("kwargs");
        kwargs.put("report", "monthly");
        node.put("created_at", "2025-06-01T12:00:00Z");
        node.put("max_attempts", 5);
        node.putObject("meta").put("request_id", "req-" + id);
        String body = Json.write(node);
        if (padTo > 0) {
            int fill = padTo - body.getBytes(StandardCharsets.UTF_8).length - "\"blob\":\"\",".length();
            kwargs.put("blob", "x".repeat(Math.max(0, fill)));
            body = Json.write(node);
        }
        return body;
    }

    /** An SQS event of {@code count} jobs; the jobs named in {@code flakyIndexes} call bench.flaky (answers 503). */
    public static String sqsEvent(String queueArn, int count, int padTo, String prefix, int... flakyIndexes) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode records = root.putArray("Records");
        long now = 1_750_000_000_000L;
        for (int i = 0; i < count; i++) {
            boolean flaky = false;
            for (int f : flakyIndexes) {
                flaky |= f == i;
            }
            String id = prefix + "-" + i;
            ObjectNode r = records.addObject();
            r.put("messageId", "00000000-0000-4000-8000-" + String.format("%012d", i));
            r.put("receiptHandle", "bench-receipt-" + id);
            r.put("body", envelope(id, flaky ? "bench.flaky" : "reports.generate", padTo));
            ObjectNode attributes = r.putObject("attributes");
            attributes.put("ApproximateReceiveCount", "1");
            attributes.put("SentTimestamp", Long.toString(now));
            attributes.put("SenderId", "AIDAEXAMPLE");
            attributes.put("ApproximateFirstReceiveTimestamp", Long.toString(now + 5));
            r.putObject("messageAttributes");
            r.put("md5OfBody", "00000000000000000000000000000000");
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", "us-east-1");
        }
        return Json.write(root);
    }
}
