package dev.outrigger.bench;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** An embedded ElasticMQ on 127.0.0.1 (real SQS protocol) with the jobs queue and its DLQ, for the child JVMs. */
public final class LocalSqs implements AutoCloseable {
    public static final String QUEUE = "jobs-default";
    public static final String DLQ = "jobs-default-dlq";
    /** What every bench client and child signs with: ElasticMQ and moto accept any key. */
    public static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final SQSRestServer server;
    private final String endpoint;
    private final SqsClient client;

    public LocalSqs() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000").start();
        int port = server.waitUntilStarted().localAddress().getPort();
        endpoint = "http://127.0.0.1:" + port;
        client = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build();
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
        client.close();
        server.stopAndWait();
    }
}
