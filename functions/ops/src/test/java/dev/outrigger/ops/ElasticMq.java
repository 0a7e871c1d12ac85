package dev.outrigger.ops;

import dev.outrigger.testing.EmbeddedElasticMq;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The shared embedded ElasticMQ ({@link EmbeddedElasticMq}) and small helpers to read queues in the ITs. */
final class ElasticMq implements AutoCloseable {
    private final EmbeddedElasticMq server;
    final URI endpoint;
    final SqsClient sqs;

    ElasticMq() {
        server = EmbeddedElasticMq.start();
        endpoint = server.endpoint();
        sqs = server.sqs();
    }

    /** Creates a jobs queue and its DLQ (RedrivePolicy, maxReceiveCount); returns {jobsUrl, dlqUrl}. */
    String[] jobsAndDlq(String name, int maxReceiveCount) {
        String dlq = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String dlqArn = arn(dlq);
        String jobs = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}",
                QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
        return new String[] {jobs, dlq};
    }

    String arn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    int visible(String url) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    int inFlight(String url) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Consumes every message of a queue (receive + delete) and returns them. */
    List<Message> drain(String url) {
        List<Message> out = new ArrayList<>();
        int empty = 0;
        while (empty < 2) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(60).messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            for (Message m : batch) {
                out.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        return out;
    }

    /** Job ids of every message in a queue, read with the inspector (so they stay). */
    Set<String> jobIds(String url) {
        Set<String> ids = new HashSet<>();
        DlqScanner scanner = new DlqScanner(sqs, java.time.Clock.systemUTC());
        scanner.scan(url, DlqScanner.Options.peek(100_000), m -> {
            ids.add(m.displayId());
            return DlqScanner.Disposition.RELEASE;
        });
        return ids;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
