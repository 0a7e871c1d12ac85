package dev.outrigger.schedule;

import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link JobQueue} on SQS. */
public final class SqsJobQueue implements JobQueue {
    private final SqsClient sqs;

    public SqsJobQueue(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public String send(String queueUrl, String body) {
        return sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();
    }
}
