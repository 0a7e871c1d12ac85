package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.str;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** AWS::SNS::Topic to {@link TopicDef} (inline Subscription entries), and AWS::SNS::Subscription added to its topic. */
final class TopicReader {
    private final TemplateResources resources;
    private final PropertyValues values;

    TopicReader(TemplateResources resources, PropertyValues values) {
        this.resources = resources;
        this.values = values;
    }

    TopicDef read(String id) {
        Map<String, Object> p = resources.properties(id);
        List<TopicDef.Subscription> subs = new ArrayList<>();
        if (p.get("Subscription") instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> s = values.asMap(o);
                subs.add(new TopicDef.Subscription(str(s.get("Protocol")), str(s.get("Endpoint")), false));
            }
        }
        return new TopicDef(id, resources.physicalName(id), resources.arn(id), values.bool(p.get("FifoTopic"), id, "FifoTopic", false),
                subs, resources.line(id));
    }

    /** Adds the AWS::SNS::Subscription {@code id} to the topic its TopicArn names, in {@code topics} (by logical id). */
    void subscribe(String id, Map<String, TopicDef> topics) {
        Map<String, Object> p = resources.properties(id);
        String topicArn = str(p.get("TopicArn"));
        TopicDef topic = topics.values().stream().filter(t -> t.arn().equals(topicArn)).findFirst()
                .orElseThrow(() -> values.error(id, "TopicArn", "TopicArn " + topicArn + " is not a topic of this template"));
        List<TopicDef.Subscription> subs = new ArrayList<>(topic.subscriptions());
        subs.add(new TopicDef.Subscription(str(p.get("Protocol")), str(p.get("Endpoint")),
                values.bool(p.get("RawMessageDelivery"), id, "RawMessageDelivery", false)));
        topics.put(topic.logicalId(), new TopicDef(topic.logicalId(), topic.name(), topic.arn(), topic.fifo(), subs, topic.line()));
    }
}
