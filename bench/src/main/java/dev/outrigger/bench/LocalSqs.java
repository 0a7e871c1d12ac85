package dev.outrigger.bench;

import dev.outrigger.testing.EmbeddedElasticMq;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The shared embedded ElasticMQ (real SQS protocol) with the jobs queue and its DLQ, for the child JVMs. */
public final class LocalSqs implements AutoCloseable {
    public static final String QUEUE = "jobs-default";
    public static final String DLQ = "jobs-default-dlq";
    /** What every bench client and child signs with: ElasticMQ and moto accept any key. */
    public static final StaticCredentialsProvider CREDENTIALS = EmbeddedElasticMq.CREDENTIALS;

    private final EmbeddedElasticMq server;
    private final String endpoint;
    private final SqsClient client;

    public LocalSqs() {
        server = EmbeddedElasticMq.start();
        endpoint = server.endpoint().toString();
        client = server.sqs();
        String dlqUrl = client.createQueue(r -> r.queueName(DLQ)).queueUrl();
        String dlqArn = client.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        client.createQueue(r -> r.queueName(QUEUE).attributes(java.util.Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}")));
    }

    public String endpoint() {
        return endpoint;
    }

    public String queueArn() {
        String url = client.getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
        return client.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    public SqsClient client() {
        return client;
    }

    @Override
    public void close() {
        server.close();
    }
}
