package dev.outrigger.cutover;

import com.fasterxml.jackson.annotation.JsonProperty;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the job queues are empty: no visible, in-flight (received, not yet deleted) or delayed message in any.
 * The three counters are SQS's approximate attributes; the cutover polls this until it answers drained, so a
 * momentary under-count is caught on the next poll.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 */
public final class QueueDrainCheck {
    private static final List<QueueAttributeName> COUNTERS = List.of(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    /** One queue's counters; the annotations name its fields in {@link QueuesDrainedHandler}'s output. */
    public record QueueDepth(@JsonProperty("url") String queueUrl, long visible, @JsonProperty("in_flight") long inFlight,
                             long delayed) {
        public boolean empty() {
            return visible == 0 && inFlight == 0 && delayed == 0;
        }
    }

    /** All queues: the sums, and whether every queue is empty ({@link QueuesDrainedHandler}'s output). */
    public record DrainStatus(boolean drained, long visible, @JsonProperty("in_flight") long inFlight, long delayed,
                              List<QueueDepth> queues) {
    }

    private final SqsClient sqs;

    public QueueDrainCheck(SqsClient sqs) {
        this.sqs = sqs;
    }

    public DrainStatus check(List<String> queueUrls) {
        if (queueUrls.isEmpty()) {
            throw new IllegalArgumentException("queues must name at least one queue URL");
        }
        List<QueueDepth> depths = new ArrayList<>();
        for (String url : queueUrls) {
            GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(COUNTERS));
            Map<QueueAttributeName, String> a = r.attributes();
            depths.add(new QueueDepth(url,
                    count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                    count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                    count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)));
        }
        return new DrainStatus(depths.stream().allMatch(QueueDepth::empty),
                depths.stream().mapToLong(QueueDepth::visible).sum(),
                depths.stream().mapToLong(QueueDepth::inFlight).sum(),
                depths.stream().mapToLong(QueueDepth::delayed).sum(),
                List.copyOf(depths));
    }

    private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String v = attributes.get(name);
        if (v == null) {
            // A missing counter must not read as zero: that would call a busy queue drained.
            throw new IllegalStateException("GetQueueAttributes did not return " + name);
        }
        return Long.parseLong(v);
    }
}
