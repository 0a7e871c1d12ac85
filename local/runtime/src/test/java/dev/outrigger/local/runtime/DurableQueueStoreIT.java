package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The data dir's database file as a SIGKILL leaves it: copied the moment a call is acknowledged (read through the OS,
 * where a killed process's writes are), then opened by a fresh ElasticMQ. Each acknowledged change must be in it.
 */
class DurableQueueStoreIT {
    private static final String REGION = "us-east-1";
    private static final String FILE = "elasticmq.mv.db";

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedChange_isInTheFileWhenTheAcknowledgementArrives() {
        Path live = dir.resolve("live");
        try (EmbeddedSqs sqs = EmbeddedSqs.start(0, REGION, "000000000000", live);
             SqsClient c = LocalRuntime.localSqsClient(sqs.endpoint(), REGION)) {
            String dlq = c.createQueue(b -> b.queueName("dlq")).queueUrl();
            String dlqArn = c.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String jobs = c.createQueue(b -> b.queueName("jobs").attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}"))).queueUrl();

            c.sendMessage(b -> b.queueUrl(jobs).messageBody("a"));
            snapshot(live, "sent");
            Message a = receiveOne(c, jobs, 600);
            snapshot(live, "received");
            c.sendMessage(b -> b.queueUrl(jobs).messageBody("b"));
            Message b = receiveOne(c, jobs, 600);
            assertThat(b.body()).isEqualTo("b");
            c.deleteMessage(r -> r.queueUrl(jobs).receiptHandle(b.receiptHandle()));
            snapshot(live, "deleted");
            c.changeMessageVisibility(r -> r.queueUrl(jobs).receiptHandle(a.receiptHandle()).visibilityTimeout(0));
            snapshot(live, "released");
            assertThat(receiveOne(c, jobs, 0).body()).isEqualTo("a");   // receive 2 of maxReceiveCount 2
            assertThat(c.receiveMessage(r -> r.queueUrl(jobs)).messages()).as("receive 3 moves it to the DLQ").isEmpty();
            snapshot(live, "moved");
        }

        reopen("sent", c -> {
            Message a = receiveOne(c, url(c, "jobs"), 600);
            assertThat(a.body()).isEqualTo("a");
            assertThat(a.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("1");
        });
        reopen("received", c -> assertThat(counts(c, "jobs")).as("received: in flight").isEqualTo(List.of(0, 1)));
        reopen("deleted", c -> assertThat(counts(c, "jobs")).as("b deleted, a still in flight").isEqualTo(List.of(0, 1)));
        reopen("released", c -> {
            Message a = receiveOne(c, url(c, "jobs"), 600);
            assertThat(a.body()).isEqualTo("a");
            assertThat(a.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).as("the first receive counted").isEqualTo("2");
        });
        reopen("moved", c -> {
            assertThat(counts(c, "jobs")).isEqualTo(List.of(0, 0));
            assertThat(receiveOne(c, url(c, "dlq"), 600).body()).isEqualTo("a");
        });
    }

    /** A receive, then a clean stop: every message of the group is restored (ElasticMQ's restore does not keep their order). */
    @Test
    void fifoQueue_afterAReceiveAndAStop_restoresEveryMessage() {
        Path data = dir.resolve("fifo");
        try (EmbeddedSqs sqs = EmbeddedSqs.start(0, REGION, "000000000000", data);
             SqsClient c = LocalRuntime.localSqsClient(sqs.endpoint(), REGION)) {
            String q = c.createQueue(b -> b.queueName("jobs.fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                    QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))).queueUrl();
            for (int i = 1; i <= 6; i++) {
                String body = "m" + i;
                c.sendMessage(b -> b.queueUrl(q).messageBody(body).messageGroupId("g"));
            }
            assertThat(receiveOne(c, q, 0).body()).isEqualTo("m1");
        }
        try (EmbeddedSqs sqs = EmbeddedSqs.start(0, REGION, "000000000000", data);
             SqsClient c = LocalRuntime.localSqsClient(sqs.endpoint(), REGION)) {
            String q = url(c, "jobs.fifo");
            List<String> bodies = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Message m = receiveOne(c, q, 600);
                bodies.add(m.body());
                c.deleteMessage(b -> b.queueUrl(q).receiptHandle(m.receiptHandle()));
            }
            assertThat(bodies).containsExactlyInAnyOrder("m1", "m2", "m3", "m4", "m5", "m6");
        }
    }

    @Test
    void secondDataDir_inTheSameJvm_isRefused_untilTheFirstIsClosed() {
        try (EmbeddedSqs first = EmbeddedSqs.start(0, REGION, "000000000000", dir.resolve("one"));
             SqsClient c = LocalRuntime.localSqsClient(first.endpoint(), REGION)) {
            c.createQueue(b -> b.queueName("only-in-one"));
            assertThatThrownBy(() -> EmbeddedSqs.start(0, REGION, "000000000000", dir.resolve("two")))
                    .hasMessageContaining(dir.resolve("one").toString()).hasMessageContaining("already open in this JVM");
        }
        try (EmbeddedSqs second = EmbeddedSqs.start(0, REGION, "000000000000", dir.resolve("two"));
             SqsClient c = LocalRuntime.localSqsClient(second.endpoint(), REGION)) {
            assertThat(c.listQueues().queueUrls()).as("its own database, not the first one's").isEmpty();
        }
    }

    private void snapshot(Path live, String name) {
        try {
            Path to = Files.createDirectories(dir.resolve(name));
            Files.copy(live.resolve(FILE), to.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void reopen(String snapshot, Consumer<SqsClient> check) {
        try (EmbeddedSqs sqs = EmbeddedSqs.start(0, REGION, "000000000000", dir.resolve(snapshot));
             SqsClient c = LocalRuntime.localSqsClient(sqs.endpoint(), REGION)) {
            check.accept(c);
        }
    }

    private static String url(SqsClient c, String name) {
        return c.getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    private static Message receiveOne(SqsClient c, String url, int visibility) {
        List<Message> got = c.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(visibility)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
        assertThat(got).as("one message on " + url).hasSize(1);
        return got.get(0);
    }

    /** [visible, in flight] */
    private static List<Integer> counts(SqsClient c, String name) {
        Map<QueueAttributeName, String> a = c.getQueueAttributes(b -> b.queueUrl(url(c, name)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return List.of(Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
    }
}
