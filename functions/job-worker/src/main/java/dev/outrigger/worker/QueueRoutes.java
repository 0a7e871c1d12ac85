package dev.outrigger.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Where a source queue's dead letters go and how many receives it allows, read from its RedrivePolicy once per queue
 * and cached for the life of the container
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html).
 * One lookup per queue at a time: invocations that need the same queue while it is being looked up wait for that
 * lookup instead of making their own (on Lambda Managed Instances many invocations start together, and a burst of
 * identical GetQueueUrl/GetQueueAttributes calls would only slow every one of them). A failed lookup is not cached,
 * so the next batch tries again.
 */
public class QueueRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(QueueRoutes.class);

    private final java.util.function.Supplier<SqsClient> sqs;
    private final Optional<String> dlqUrlOverride;
    private final Map<String, CompletableFuture<Route>> cache = new ConcurrentHashMap<>();

    /**
     * @param queueName       the source queue's name (the last part of its ARN), for the DLQ attribute
     * @param dlqUrl          empty when the queue has no RedrivePolicy and no override is configured
     * @param maxReceiveCount empty when the queue has no RedrivePolicy
     */
    public record Route(String queueName, String queueUrl, Optional<String> dlqUrl, OptionalInt maxReceiveCount, boolean dlqFifo) {
    }

    public QueueRoutes(java.util.function.Supplier<SqsClient> sqs, Optional<String> dlqUrlOverride) {
        this.sqs = sqs;
        this.dlqUrlOverride = dlqUrlOverride;
    }

    public Route route(String sourceQueueArn) {
        CompletableFuture<Route> mine = new CompletableFuture<>();
        CompletableFuture<Route> existing = cache.putIfAbsent(sourceQueueArn, mine);
        if (existing != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Route route = lookUp(sourceQueueArn);
            mine.complete(route);
            return route;
        } catch (RuntimeException e) {
            cache.remove(sourceQueueArn, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Route lookUp(String sourceQueueArn) {
        QueueArn source = QueueArn.parse(sourceQueueArn);
        String queueUrl = queueUrl(source);
        String policy = sqs.get().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);
        OptionalInt maxReceiveCount = OptionalInt.empty();
        Optional<String> dlqUrl = Optional.empty();
        Optional<String> dlqName = Optional.empty();
        if (policy != null && !policy.isBlank()) {
            try {
                JsonNode node = Json.MAPPER.readTree(policy);
                // The console writes maxReceiveCount as a number, some tools as a string; accept both.
                JsonNode max = node.get("maxReceiveCount");
                if (max != null && max.asInt(0) > 0) {
                    maxReceiveCount = OptionalInt.of(max.asInt());
                }
                JsonNode target = node.get("deadLetterTargetArn");
                if (target != null && !target.asText().isBlank() && dlqUrlOverride.isEmpty()) {
                    QueueArn dlq = QueueArn.parse(target.asText());
                    dlqUrl = Optional.of(queueUrl(dlq));
                    dlqName = Optional.of(dlq.name());
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("queue " + source.name() + " has an unreadable RedrivePolicy: " + e.getOriginalMessage());
            }
        }
        if (dlqUrlOverride.isPresent()) {
            dlqUrl = dlqUrlOverride;
            String url = dlqUrlOverride.get();
            dlqName = Optional.of(url.substring(url.lastIndexOf('/') + 1));
        }
        if (dlqUrl.isEmpty()) {
            LOG.error("queue {} has no RedrivePolicy and OUTRIGGER_DLQ_URL is not set: permanent failures cannot be parked "
                    + "and will be reported failed (kept on the source queue) until a dead-letter queue is configured",
                    source.name());
        }
        return new Route(source.name(), queueUrl, dlqUrl, maxReceiveCount, dlqName.map(n -> n.endsWith(".fifo")).orElse(false));
    }

    private String queueUrl(QueueArn arn) {
        return sqs.get().getQueueUrl(r -> r.queueName(arn.name()).queueOwnerAWSAccountId(arn.account())).queueUrl();
    }

    /** arn:partition:sqs:region:account:name */
    record QueueArn(String region, String account, String name) {
        static QueueArn parse(String arn) {
            String[] parts = arn == null ? new String[0] : arn.split(":", 6);
            if (parts.length != 6 || !"arn".equals(parts[0]) || !"sqs".equals(parts[2]) || parts[5].isBlank()) {
                throw new IllegalArgumentException("not an SQS queue ARN: '" + arn + "'");
            }
            return new QueueArn(parts[3], parts[4], parts[5]);
        }
    }
}
