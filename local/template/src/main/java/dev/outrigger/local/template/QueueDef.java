package dev.outrigger.local.template;

/**
 * An AWS::SQS::Queue, with CloudFormation's defaults filled in
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html).
 *
 * @param redrive null when the queue has no RedrivePolicy
 */
public record QueueDef(String logicalId, String name, String url, String arn, boolean fifo, boolean contentBasedDeduplication,
                       int visibilityTimeoutSeconds, int delaySeconds, int messageRetentionPeriodSeconds,
                       int maximumMessageSizeBytes, int receiveMessageWaitTimeSeconds, Redrive redrive, int line) {

    /** @param deadLetterQueue logical id of the DLQ (always a queue of the same template) */
    public record Redrive(String deadLetterQueue, int maxReceiveCount) {
    }
}
