package dev.outrigger.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.ConfigException;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import dev.outrigger.core.Memo;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * {@code sns.publish}: {@code {"topic": "ops", "message": "…" or {…}, "subject": "…", "attributes": {"k": "v"}}}.
 * Jobs name topics logically; the ARNs come from configuration, so a job can only reach the topics the stack lists
 * (and the function's IAM policy allows).
 */
public final class SnsPublishHandler implements JobHandler {
    public static final String TYPE = "sns.publish";
    public static final String TOPICS = "OUTRIGGER_SNS_TOPICS";
    public static final String TOPIC_PREFIX = "OUTRIGGER_SNS_TOPIC_";

    private final Supplier<SnsClient> sns;
    private final Map<String, String> topics;

    public SnsPublishHandler(Supplier<SnsClient> sns, Map<String, String> topics) {
        this.sns = Memo.of(sns);
        this.topics = Map.copyOf(topics);
    }

    public static SnsPublishHandler fromEnv(Env env) {
        return new SnsPublishHandler(() -> AwsClientConfig.configure(SnsClient.builder(), env, "SNS").build(), topics(env));
    }

    /**
     * OUTRIGGER_SNS_TOPICS as a JSON object {"ops": "arn:…"}, plus one OUTRIGGER_SNS_TOPIC_&lt;NAME&gt; per topic
     * (NAME upper case, '_' for '-' or '.': OUTRIGGER_SNS_TOPIC_OPS_ALERTS serves "ops-alerts" and "ops.alerts").
     */
    static Map<String, String> topics(Env env) {
        Map<String, String> topics = new HashMap<>();
        if (env.get(TOPICS).isPresent()) {
            try {
                JsonNode node = Json.MAPPER.readTree(env.get(TOPICS).get());
                if (!node.isObject()) {
                    throw new ConfigException(TOPICS + " must be a JSON object of topic name to ARN");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isTextual() || !e.getValue().asText().startsWith("arn:")) {
                        throw new ConfigException(TOPICS + "." + e.getKey() + " must be a topic ARN");
                    }
                    topics.put(e.getKey(), e.getValue().asText());
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ConfigException(TOPICS + " is not valid JSON: " + e.getOriginalMessage());
            }
        }
        env.asMap().forEach((name, value) -> {
            if (name.startsWith(TOPIC_PREFIX) && value != null && !value.isBlank()) {
                topics.put(name.substring(TOPIC_PREFIX.length()), value.trim());
            }
        });
        return topics;
    }

    @Override
    public String type() {
        return TYPE;
    }

    private String arnFor(String topic) {
        String arn = topics.get(topic);
        if (arn == null) {
            arn = topics.get(topic.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_'));
        }
        return arn;
    }

    @Override
    public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
        JsonNode payload = job.payload();
        JsonNode topic = payload.get("topic");
        if (topic == null || !topic.isTextual() || topic.asText().isBlank()) {
            return new JobOutcome.DeadLetter("InvalidPayload", "payload.topic: required, a logical topic name");
        }
        String arn = arnFor(topic.asText());
        if (arn == null) {
            return new JobOutcome.DeadLetter("UnknownTopic", "payload.topic: no topic named '" + topic.asText()
                    + "' is configured (" + TOPICS + " or " + TOPIC_PREFIX + "<NAME>)");
        }
        JsonNode message = payload.get("message");
        if (message == null || message.isNull()) {
            return new JobOutcome.DeadLetter("InvalidPayload", "payload.message: required");
        }
        PublishRequest.Builder request = PublishRequest.builder()
                .topicArn(arn)
                .message(message.isTextual() ? message.asText() : Json.write(message));
        JsonNode subject = payload.get("subject");
        if (subject != null && !subject.isNull()) {
            if (!subject.isTextual()) {
                return new JobOutcome.DeadLetter("InvalidPayload", "payload.subject: must be a string");
            }
            request.subject(subject.asText());
        }
        JsonNode attributes = payload.get("attributes");
        if (attributes != null && !attributes.isNull()) {
            if (!attributes.isObject()) {
                return new JobOutcome.DeadLetter("InvalidPayload", "payload.attributes: must be an object of strings");
            }
            Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    return new JobOutcome.DeadLetter("InvalidPayload", "payload.attributes." + e.getKey() + ": must be a string");
                }
                values.put(e.getKey(), MessageAttributeValue.builder().dataType("String").stringValue(e.getValue().asText()).build());
            }
            request.messageAttributes(values);
        }
        if (arn.endsWith(".fifo")) {
            // FIFO topics need a group; the job id doubles as the dedup id, so a retried job is published once.
            JsonNode group = payload.get("group_id");
            request.messageGroupId(group != null && group.isTextual() ? group.asText() : "outrigger")
                    .messageDeduplicationId(job.id());
        }
        try {
            String id = sns.get().publish(request.build()).messageId();
            return new JobOutcome.Succeeded("published " + id);
        } catch (SdkException e) {
            return AwsOutcomes.classify(e);
        }
    }
}
