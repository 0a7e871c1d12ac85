package dev.outrigger.local.template;

import java.util.List;
import java.util.Map;

/**
 * An SQS event source mapping (a SAM {@code Type: SQS} event or an AWS::Lambda::EventSourceMapping), with
 * Lambda's defaults: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 *
 * @param name               the SAM event name or the mapping's logical id
 * @param maximumConcurrency ScalingConfig.MaximumConcurrency, or null when not set
 * @param filterCriteria     FilterCriteria as written (Filters: [{Pattern: …}]), or null
 */
public record SqsEventSource(String name, String queue, int batchSize, int maximumBatchingWindowSeconds,
                             Integer maximumConcurrency, boolean reportBatchItemFailures, boolean enabled,
                             Map<String, Object> filterCriteria) {

    public List<String> functionResponseTypes() {
        return reportBatchItemFailures ? List.of("ReportBatchItemFailures") : List.of();
    }
}
