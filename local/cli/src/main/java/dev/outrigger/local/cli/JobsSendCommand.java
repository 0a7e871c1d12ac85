package dev.outrigger.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.EnvelopeSchema;
import dev.outrigger.core.EnvelopeValidator;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Build a valid job envelope (version 1) and send it to a queue of the local runtime or, with --aws, of AWS.")
final class JobsSendCommand implements Callable<Integer> {
    private static final String DJANGO_TASK = "django.task";

    @Option(names = {"-q", "--queue"}, required = true, description = "queue logical id (from the template), name or URL")
    String queue;

    @Option(names = "--type", required = true, description = "job type: django.task, webhook, sns.publish, events.put…")
    String type;

    @Option(names = "--payload", defaultValue = "{}", description = "payload JSON object (default: {})")
    String payload;

    @Option(names = "--delay", defaultValue = "0", description = "delivery delay in seconds (0-900)")
    int delay;

    @Option(names = "--job-id", description = "job id (default: a fresh UUID)")
    String jobId;

    @Option(names = "--max-attempts", description = "at most this many tries")
    Integer maxAttempts;

    @Option(names = "--group-id", description = "MessageGroupId for a FIFO queue (default: the job type); the job id is its MessageDeduplicationId")
    String groupId;

    @Mixin
    SqsTarget target;

    @Override
    public Integer call() {
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("--payload: not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new IllegalArgumentException("--payload: must be a JSON object");
        }
        if (delay < 0 || delay > 900) {
            throw new IllegalArgumentException("--delay: must be 0..900 seconds");
        }
        JobEnvelope envelope = JobEnvelope.create(type, object);
        if (jobId != null) {
            envelope = envelope.withId(jobId);
        }
        if (maxAttempts != null) {
            envelope = envelope.withMaxAttempts(maxAttempts);
        }
        String body = envelope.toJson();
        var violations = EnvelopeValidator.shared().validate(body);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException("the envelope is not valid: " + violations.get(0).field() + ": " + violations.get(0).message());
        }
        EnvelopeSchema.NameGrammar taskName = EnvelopeSchema.get().taskName();
        if (DJANGO_TASK.equals(type) && !taskName.accepts(object.path("task").asText(null))) {
            throw new IllegalArgumentException("--payload: a django.task payload needs \"task\", a task name (" + taskName.describe() + ")");
        }
        String dedupId = envelope.id();
        try (SqsClient sqs = target.client()) {
            String url = target.queueUrl(sqs, queue);
            boolean fifo = url.endsWith(".fifo");
            if (fifo && delay > 0) {
                throw new IllegalArgumentException("--delay: a FIFO queue has no per-message delay (DelaySeconds is the queue's)");
            }
            if (!fifo && groupId != null) {
                throw new IllegalArgumentException("--group-id: only a FIFO queue keeps a group's order; " + url + " is not one");
            }
            String messageId = sqs.sendMessage(b -> {
                b.queueUrl(url).messageBody(body);
                if (fifo) {
                    // The job id is the idempotency key end to end; as the dedup id, SQS drops a re-send within 5 minutes.
                    b.messageGroupId(groupId == null ? type : groupId).messageDeduplicationId(dedupId);
                } else if (delay > 0) {
                    b.delaySeconds(delay);
                }
            }).messageId();
            System.out.println("sent job " + envelope.id() + " (" + type + ") to " + url + " as message " + messageId);
            System.out.println(body);
        }
        return OutriggerCli.OK;
    }
}
