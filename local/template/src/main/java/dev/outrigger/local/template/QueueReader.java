package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.parseJsonMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;

/** AWS::SQS::Queue to {@link QueueDef}, with CloudFormation's defaults and the RedrivePolicy's DLQ resolved. */
final class QueueReader {
    private final TemplateResources resources;
    private final PropertyValues values;
    private final LocalEndpoints endpoints;

    QueueReader(TemplateResources resources, PropertyValues values, LocalEndpoints endpoints) {
        this.resources = resources;
        this.values = values;
        this.endpoints = endpoints;
    }

    QueueDef read(String id) {
        Map<String, Object> p = resources.properties(id);
        String name = resources.physicalName(id);
        boolean fifo = values.bool(p.get("FifoQueue"), id, "FifoQueue", false);
        if (fifo != name.endsWith(".fifo")) {
            throw values.error(id, "QueueName", fifo ? "a FIFO queue's name must end with .fifo" : "only a FIFO queue's name may end with .fifo");
        }
        QueueDef.Redrive redrive = null;
        Object rp = p.get("RedrivePolicy");
        if (rp instanceof String s) {
            try {
                rp = parseJsonMap(s);
            } catch (JsonProcessingException e) {
                throw values.error(id, "RedrivePolicy", "RedrivePolicy is not valid JSON");
            }
        }
        if (rp instanceof Map<?, ?> m) {
            Object target = m.get("deadLetterTargetArn");
            String dlq = target == null ? null : resources.queueByArn(String.valueOf(target));
            if (dlq == null) {
                throw values.error(id, "RedrivePolicy", "RedrivePolicy.deadLetterTargetArn " + target + " is not a queue of this template");
            }
            redrive = new QueueDef.Redrive(dlq, values.integer(m.get("maxReceiveCount"), id, "RedrivePolicy.maxReceiveCount", 10));
        } else if (rp != null) {
            throw values.error(id, "RedrivePolicy", "RedrivePolicy must be a map");
        }
        return new QueueDef(id, name, endpoints.queueUrl(name), resources.arn(id), fifo,
                values.bool(p.get("ContentBasedDeduplication"), id, "ContentBasedDeduplication", false),
                values.integer(p.get("VisibilityTimeout"), id, "VisibilityTimeout", 30),
                values.integer(p.get("DelaySeconds"), id, "DelaySeconds", 0),
                values.integer(p.get("MessageRetentionPeriod"), id, "MessageRetentionPeriod", 345_600),
                values.integer(p.get("MaximumMessageSize"), id, "MaximumMessageSize", 262_144),
                values.integer(p.get("ReceiveMessageWaitTimeSeconds"), id, "ReceiveMessageWaitTimeSeconds", 0),
                redrive, resources.line(id));
    }
}
