package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.TopicDef;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SNS Publish / PublishBatch / ListTopics / CreateTopic over the AWS query protocol
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). A message goes to the SNS sink, to every
 * {@code sqs} subscription whose endpoint is a queue of the template (wrapped in the SNS notification JSON unless
 * RawMessageDelivery), and to the HTTP URL given with {@code --sns-forward TOPIC=URL}.
 */
final class SnsEmulator implements EmulatedService {
    private static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";

    private final LocalTemplate template;
    private final Sink sink;
    private final SqsClient sqs;
    private final Map<String, URI> forwards;   // by topic ARN
    private final Map<String, String> extraTopics = new LinkedHashMap<>();   // created at runtime: arn -> name

    SnsEmulator(LocalTemplate template, Sink sink, SqsClient sqs, Map<String, URI> forwardsByTopicArn) {
        this.template = template;
        this.sink = sink;
        this.sqs = sqs;
        this.forwards = forwardsByTopicArn;
    }

    @Override
    public EmulatorResponse handle(EmulatorRequest request) {
        Map<String, String> form = request.form();
        String action = form.getOrDefault("Action", "");
        return switch (action) {
            case "Publish" -> publish(form);
            case "PublishBatch" -> publishBatch(form);
            case "ListTopics" -> listTopics();
            case "CreateTopic" -> createTopic(form);
            default -> EmulatorResponse.queryError(400, "InvalidAction", "SNS action '" + action + "' is not emulated locally "
                    + "(emulated: Publish, PublishBatch, ListTopics, CreateTopic)");
        };
    }

    private Optional<String> topicName(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        for (TopicDef t : template.topics().values()) {
            if (t.arn().equals(arn)) {
                return Optional.of(t.logicalId());
            }
        }
        return Optional.ofNullable(extraTopics.get(arn));
    }

    private EmulatorResponse publish(Map<String, String> form) {
        String arn = form.getOrDefault("TopicArn", form.get("TargetArn"));
        if (topicName(arn).isEmpty()) {
            return EmulatorResponse.queryError(404, "NotFound", "Topic does not exist: " + arn);
        }
        if (form.get("Message") == null) {
            return EmulatorResponse.queryError(400, "InvalidParameter", "Invalid parameter: Message");
        }
        String id = deliver(arn, form.get("Message"), form.get("Subject"), attributes(form, "MessageAttributes.entry."),
                form.get("MessageGroupId"));
        return EmulatorResponse.xml("<PublishResponse xmlns=\"" + NS + "\"><PublishResult><MessageId>" + id
                + "</MessageId></PublishResult>" + metadata() + "</PublishResponse>");
    }

    private EmulatorResponse publishBatch(Map<String, String> form) {
        String arn = form.get("TopicArn");
        if (topicName(arn).isEmpty()) {
            return EmulatorResponse.queryError(404, "NotFound", "Topic does not exist: " + arn);
        }
        StringBuilder ok = new StringBuilder();
        StringBuilder failed = new StringBuilder();
        for (int i = 1; form.containsKey("PublishBatchRequestEntries.member." + i + ".Id"); i++) {
            String p = "PublishBatchRequestEntries.member." + i + ".";
            String entryId = form.get(p + "Id");
            String message = form.get(p + "Message");
            if (message == null) {
                failed.append("<member><Id>").append(Xml.escape(entryId)).append("</Id><Code>InvalidParameter</Code>"
                        + "<Message>Message is required</Message><SenderFault>true</SenderFault></member>");
                continue;
            }
            String id = deliver(arn, message, form.get(p + "Subject"), attributes(form, p + "MessageAttributes.entry."),
                    form.get(p + "MessageGroupId"));
            ok.append("<member><Id>").append(Xml.escape(entryId)).append("</Id><MessageId>").append(id).append("</MessageId></member>");
        }
        return EmulatorResponse.xml("<PublishBatchResponse xmlns=\"" + NS + "\"><PublishBatchResult><Successful>" + ok
                + "</Successful><Failed>" + failed + "</Failed></PublishBatchResult>" + metadata() + "</PublishBatchResponse>");
    }

    private EmulatorResponse listTopics() {
        StringBuilder b = new StringBuilder();
        template.topics().values().forEach(t -> b.append("<member><TopicArn>").append(t.arn()).append("</TopicArn></member>"));
        extraTopics.keySet().forEach(a -> b.append("<member><TopicArn>").append(a).append("</TopicArn></member>"));
        return EmulatorResponse.xml("<ListTopicsResponse xmlns=\"" + NS + "\"><ListTopicsResult><Topics>" + b
                + "</Topics></ListTopicsResult>" + metadata() + "</ListTopicsResponse>");
    }

    private EmulatorResponse createTopic(Map<String, String> form) {
        String name = form.get("Name");
        String arn = template.endpoints().arn("sns", name);
        if (template.topics().values().stream().noneMatch(t -> t.arn().equals(arn))) {
            extraTopics.put(arn, name);
        }
        return EmulatorResponse.xml("<CreateTopicResponse xmlns=\"" + NS + "\"><CreateTopicResult><TopicArn>" + arn
                + "</TopicArn></CreateTopicResult>" + metadata() + "</CreateTopicResponse>");
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>";
    }

    /** MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue (binary kept base64). */
    private static Map<String, Map<String, String>> attributes(Map<String, String> form, String prefix) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (int i = 1; form.containsKey(prefix + i + ".Name"); i++) {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("Type", form.get(prefix + i + ".Value.DataType"));
            String value = form.get(prefix + i + ".Value.StringValue");
            v.put("Value", value != null ? value : form.get(prefix + i + ".Value.BinaryValue"));
            out.put(form.get(prefix + i + ".Name"), v);
        }
        return out;
    }

    private String deliver(String topicArn, String message, String subject, Map<String, Map<String, String>> attributes, String groupId) {
        String messageId = UUID.randomUUID().toString();
        ObjectNode notification = Json.MAPPER.createObjectNode();
        notification.put("Type", "Notification");
        notification.put("MessageId", messageId);
        notification.put("TopicArn", topicArn);
        if (subject != null) {
            notification.put("Subject", subject);
        }
        notification.put("Message", message);
        notification.put("Timestamp", Instant.now().toString());
        notification.set("MessageAttributes", Json.MAPPER.valueToTree(attributes));
        if (groupId != null) {
            notification.put("MessageGroupId", groupId);
        }
        String summary = topicName(topicArn).orElse(topicArn) + (subject == null ? "" : " [" + subject + "]") + ": " + abbreviate(message);
        sink.record(notification, summary);
        String json = notification.toString();
        for (TopicDef t : template.topics().values()) {
            if (!t.arn().equals(topicArn)) {
                continue;
            }
            for (TopicDef.Subscription s : t.subscriptions()) {
                if ("sqs".equalsIgnoreCase(s.protocol())) {
                    template.queue(s.endpoint()).ifPresent(q -> sendToQueue(q, s.rawMessageDelivery() ? message : json, groupId));
                }
            }
        }
        URI forward = forwards.get(topicArn);
        if (forward != null) {
            sink.forward(forward, json, "Notification");
        }
        return messageId;
    }

    private void sendToQueue(QueueDef q, String body, String groupId) {
        sqs.sendMessage(b -> {
            b.queueUrl(q.url()).messageBody(body);
            if (q.fifo()) {
                b.messageGroupId(groupId == null ? "sns" : groupId).messageDeduplicationId(UUID.randomUUID().toString());
            }
        });
    }

    static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    static List<String> split(String s) {
        return new ArrayList<>(List.of(s.split(",")));
    }
}
