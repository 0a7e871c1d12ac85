package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.str;

import java.util.List;
import java.util.Map;

/**
 * An SQS event source (a function's {@code Type: SQS} event, or an AWS::Lambda::EventSourceMapping) to
 * {@link SqsEventSource}, checked as Lambda checks it
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
final class SqsEventSourceReader {
    private final TemplateResources resources;
    private final PropertyValues values;
    private final Map<String, QueueDef> queues;

    /** @param queues the template's queues, already read (a FIFO queue allows smaller batches) */
    SqsEventSourceReader(TemplateResources resources, PropertyValues values, Map<String, QueueDef> queues) {
        this.resources = resources;
        this.values = values;
        this.queues = queues;
    }

    /**
     * @param id   the function's or the mapping's logical id (errors name it)
     * @param name the event's name, or the mapping's logical id
     * @param ep   the event's Properties, or the mapping's
     */
    SqsEventSource read(String id, String name, Map<String, Object> ep) {
        String queueArn = str(ep.containsKey("Queue") ? ep.get("Queue") : ep.get("EventSourceArn"));
        String queue = queueArn == null ? null : resources.queueByArn(queueArn);
        if (queue == null) {
            throw values.error(id, "Events", "SQS event " + name + ": Queue " + queueArn + " is not a queue of this template (use !GetAtt Queue.Arn)");
        }
        Integer maxConcurrency = null;
        if (ep.get("ScalingConfig") instanceof Map<?, ?> sc && sc.get("MaximumConcurrency") != null) {
            maxConcurrency = values.integer(sc.get("MaximumConcurrency"), id, "ScalingConfig.MaximumConcurrency", 2);
            if (maxConcurrency < 2 || maxConcurrency > 1000) {
                throw values.error(id, "Events", "SQS event " + name + ": ScalingConfig.MaximumConcurrency must be 2..1000");
            }
        }
        checkProvisionedMode(id, name, ep.get("ProvisionedPollerConfig"), maxConcurrency);
        boolean report = ep.get("FunctionResponseTypes") instanceof List<?> l && l.contains("ReportBatchItemFailures");
        int batchSize = values.integer(ep.get("BatchSize"), id, "BatchSize", 10);
        int window = values.integer(ep.get("MaximumBatchingWindowInSeconds"), id, "MaximumBatchingWindowInSeconds", 0);
        boolean fifo = queues.get(queue).fifo();
        // 1..10 for FIFO, 1..10000 standard, and more than 10 needs a batching window of at least 1 s.
        if (batchSize < 1 || batchSize > (fifo ? 10 : 10_000)) {
            throw values.error(id, "Events", "SQS event " + name + ": BatchSize must be 1.." + (fifo ? 10 : 10_000));
        }
        if (window < 0 || window > 300) {
            throw values.error(id, "Events", "SQS event " + name + ": MaximumBatchingWindowInSeconds must be 0..300");
        }
        if (batchSize > 10 && window < 1) {
            throw values.error(id, "Events", "SQS event " + name + ": a BatchSize over 10 needs MaximumBatchingWindowInSeconds >= 1");
        }
        return new SqsEventSource(name, queue, batchSize, window, maxConcurrency, report,
                values.bool(ep.get("Enabled"), id, "Enabled", true), ep.get("FilterCriteria") == null ? null : values.asMap(ep.get("FilterCriteria")));
    }

    /**
     * Provisioned mode (ProvisionedPollerConfig) is checked as Lambda checks it and then run as standard mode: the
     * local poller has no event pollers to provision, and MaximumPollers only bounds how far AWS scales
     * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
     */
    private void checkProvisionedMode(String id, String name, Object config, Integer maxConcurrency) {
        if (config == null) {
            return;
        }
        if (!(config instanceof Map<?, ?> pp)) {
            throw values.error(id, "Events", "SQS event " + name + ": ProvisionedPollerConfig must be a map");
        }
        if (maxConcurrency != null) {
            throw values.error(id, "Events", "SQS event " + name + ": ScalingConfig.MaximumConcurrency and ProvisionedPollerConfig are "
                    + "exclusive (standard or provisioned mode)");
        }
        int min = values.integer(pp.get("MinimumPollers"), id, "ProvisionedPollerConfig.MinimumPollers", 2);
        int max = values.integer(pp.get("MaximumPollers"), id, "ProvisionedPollerConfig.MaximumPollers", 200);
        if (min < 2 || min > 200 || max < 2 || max > 2000 || min > max) {
            throw values.error(id, "Events", "SQS event " + name + ": ProvisionedPollerConfig needs 2 <= MinimumPollers <= 200, "
                    + "MaximumPollers 2..2000 and MinimumPollers <= MaximumPollers, got " + min + " and " + max);
        }
    }
}
