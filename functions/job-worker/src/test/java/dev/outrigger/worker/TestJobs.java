package dev.outrigger.worker;

import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** Builders shared by the worker's tests. */
final class TestJobs {
    private static final AtomicInteger MESSAGE_IDS = new AtomicInteger();

    private TestJobs() {
    }

    static JobHandler handler(String type, BiFunction<JobEnvelope, JobAttempt, JobOutcome> body) {
        return new JobHandler() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
                return body.apply(job, attempt);
            }
        };
    }

    static String envelope(String id, String type) {
        return envelope(id, type, null);
    }

    static String envelope(String id, String type, Integer maxAttempts) {
        var node = Json.MAPPER.createObjectNode();
        node.put("version", 1).put("id", id).put("type", type).put("created_at", "2026-01-01T00:00:00Z");
        node.putObject("payload").put("secret_field", "payload-value-never-logged");
        if (maxAttempts != null) {
            node.put("max_attempts", maxAttempts);
        }
        return Json.write(node);
    }

    static ReceivedMessage message(String body, int receiveCount) {
        return message(body, receiveCount, Map.of());
    }

    static ReceivedMessage message(String body, int receiveCount, Map<String, ReceivedMessage.MessageAttribute> attributes) {
        int n = MESSAGE_IDS.incrementAndGet();
        return new ReceivedMessage("msg-" + n, "rh-" + n, body, receiveCount, 1_767_225_600_000L,
                FakeSqs.SOURCE_ARN, null, attributes);
    }

    /** A message of a FIFO queue's message group. */
    static ReceivedMessage fifoMessage(String body, String group, int receiveCount) {
        int n = MESSAGE_IDS.incrementAndGet();
        return new ReceivedMessage("msg-" + n, "rh-" + n, body, receiveCount, 1_767_225_600_000L,
                FakeSqs.SOURCE_ARN, group, Map.of());
    }

    static List<String> ids(List<ReceivedMessage> messages) {
        return messages.stream().map(ReceivedMessage::messageId).toList();
    }
}
