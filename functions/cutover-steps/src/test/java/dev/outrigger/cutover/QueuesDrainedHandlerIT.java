package dev.outrigger.cutover;

import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.testing.EmbeddedElasticMq;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** QueuesDrainedHandler against embedded ElasticMQ: visible, in-flight and delayed messages all count. */
class QueuesDrainedHandlerIT {
    private static EmbeddedElasticMq server;
    private static SqsClient sqs;
    private static Env env;

    @BeforeAll
    static void start() {
        server = EmbeddedElasticMq.start();
        env = Env.of(Map.of("AWS_ENDPOINT_URL_SQS", server.endpoint().toString(), "AWS_REGION", "us-east-1"));
        sqs = AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        server.close();
    }

    @Test
    void drained_onlyWhenNoQueueHasVisibleInFlightOrDelayedMessages() {
        String a = sqs.createQueue(b -> b.queueName("drain-a")).queueUrl();
        String bq = sqs.createQueue(b -> b.queueName("drain-b")).queueUrl();
        QueuesDrainedHandler handler = new QueuesDrainedHandler(env);
        Map<String, Object> input = Map.of("queues", List.of(a, bq));

        assertThat(handler.handleRequest(input, null)).containsEntry("drained", true).containsEntry("visible", 0L);

        sqs.sendMessage(b -> b.queueUrl(a).messageBody("{}"));
        sqs.sendMessage(b -> b.queueUrl(bq).messageBody("{}").delaySeconds(60));
        Map<String, Object> busy = handler.handleRequest(input, null);
        assertThat(busy).containsEntry("drained", false).containsEntry("visible", 1L).containsEntry("delayed", 1L)
                .containsEntry("in_flight", 0L);

        var received = sqs.receiveMessage(b -> b.queueUrl(a).visibilityTimeout(60)).messages();
        assertThat(received).hasSize(1);
        assertThat(handler.handleRequest(input, null)).containsEntry("drained", false).containsEntry("in_flight", 1L)
                .containsEntry("visible", 0L);

        sqs.deleteMessage(b -> b.queueUrl(a).receiptHandle(received.getFirst().receiptHandle()));
        sqs.purgeQueue(b -> b.queueUrl(bq));
        assertThat(handler.handleRequest(input, null)).containsEntry("drained", true);
    }

    /** Lambda Managed Instances: 50 checks at once through one handler, each over its own queue, each right. */
    @Test
    void fiftyConcurrentChecks_ofOneHandler_eachCountsItsOwnQueue() throws Exception {
        int n = 50;
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String url = sqs.createQueue(b -> b.queueName("drain-c" + urls.size())).queueUrl();   // one queue per invocation
            for (int m = 0; m < i % 4; m++) {
                sqs.sendMessage(b -> b.queueUrl(url).messageBody("{}"));
            }
            urls.add(url);
        }
        QueuesDrainedHandler handler = new QueuesDrainedHandler(env);

        List<Map<String, Object>> results = DjangoOpsIT.concurrently(n, i -> handler.handleRequest(Map.of("queues", List.of(urls.get(i))), null));

        for (int i = 0; i < n; i++) {
            String url = urls.get(i);
            assertThat(results.get(i)).as("queue %d", i).containsEntry("drained", i % 4 == 0).containsEntry("visible", (long) (i % 4));
            assertThat(results.get(i).get("queues")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                    .satisfies(q -> assertThat(((Map<?, ?>) q).get("url")).isEqualTo(url));
        }
    }
}
