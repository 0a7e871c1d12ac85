package dev.outrigger.schedule;

import dev.outrigger.core.Memo;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link JobQueue} on SQS. The client is built at the first send: a hook in call mode never builds it. */
public final class SqsJobQueue implements JobQueue {
    private final Supplier<SqsClient> sqs;

    public SqsJobQueue(Supplier<SqsClient> sqs) {
        this.sqs = Memo.of(sqs);
    }

    @Override
    public String send(String queueUrl, String body) {
        return sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();
    }
}
