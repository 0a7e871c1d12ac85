package dev.outrigger.ops;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.*;

/**
 * Delegates to a real client; the {@code crashDeleteAfter}-th DeleteMessage (1-based) throws {@link Crash}, an
 * Error standing for the process dying between "sent to the source queue" and "deleted from the DLQ".
 */
class FaultySqsClient implements SqsClient {
    static final class Crash extends Error {
        Crash() {
            super("injected crash between SendMessage and DeleteMessage");
        }
    }

    private final SqsClient d;
    private final int crashDeleteAfter;
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger sends = new AtomicInteger();

    FaultySqsClient(SqsClient delegate, int crashDeleteAfter) {
        this.d = delegate;
        this.crashDeleteAfter = crashDeleteAfter;
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest r) {
        if (deletes.incrementAndGet() == crashDeleteAfter) {
            throw new Crash();
        }
        return d.deleteMessage(r);
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest r) {
        sends.incrementAndGet();
        return d.sendMessage(r);
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest r) {
        return d.receiveMessage(r);
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest r) {
        return d.changeMessageVisibilityBatch(r);
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest r) {
        return d.getQueueAttributes(r);
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest r) {
        return d.getQueueUrl(r);
    }

    @Override
    public ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(ListDeadLetterSourceQueuesRequest r) {
        return d.listDeadLetterSourceQueues(r);
    }

    @Override
    public String serviceName() {
        return d.serviceName();
    }

    @Override
    public void close() {
    }
}
