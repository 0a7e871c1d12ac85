package dev.outrigger.ops;

import dev.outrigger.core.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Queue names, URLs and ARNs, looked up once. */
public final class Queues {
    private final SqsClient sqs;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, String> arns = new ConcurrentHashMap<>();

    public Queues(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** A queue URL from a URL, a name or an ARN. Throws {@link IllegalArgumentException} naming it when unknown. */
    public String url(String nameUrlOrArn) {
        if (nameUrlOrArn.startsWith("http://") || nameUrlOrArn.startsWith("https://")) {
            return nameUrlOrArn;
        }
        String name = nameUrlOrArn.startsWith("arn:") ? nameUrlOrArn.substring(nameUrlOrArn.lastIndexOf(':') + 1) : nameUrlOrArn;
        return urls.computeIfAbsent(name, n -> {
            try {
                return sqs.getQueueUrl(b -> b.queueName(n)).queueUrl();
            } catch (QueueDoesNotExistException e) {
                throw new IllegalArgumentException("queue '" + n + "' does not exist", e);
            }
        });
    }

    public String arn(String url) {
        return arns.computeIfAbsent(url, u -> sqs.getQueueAttributes(b -> b.queueUrl(u)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN));
    }

    public static String name(String urlOrArn) {
        int cut = Math.max(urlOrArn.lastIndexOf('/'), urlOrArn.startsWith("arn:") ? urlOrArn.lastIndexOf(':') : -1);
        return urlOrArn.substring(cut + 1);
    }

    /** The DLQ of a queue with a RedrivePolicy, so `--queue jobs-default` finds jobs-default's DLQ. */
    public Optional<String> deadLetterQueueOf(String url) {
        String policy = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);
        if (policy == null || policy.isBlank()) {
            return Optional.empty();
        }
        try {
            String target = Json.MAPPER.readTree(policy).path("deadLetterTargetArn").asText(null);
            return Optional.ofNullable(target).map(this::url);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** The queues whose RedrivePolicy names this DLQ (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html). */
    public List<String> sourcesOf(String dlqUrl) {
        return sqs.listDeadLetterSourceQueues(b -> b.queueUrl(dlqUrl)).queueUrls();
    }
}
