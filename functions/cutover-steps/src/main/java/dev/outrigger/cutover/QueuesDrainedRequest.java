package dev.outrigger.cutover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link QueuesDrainedHandler}'s input {"queues": [queue URLs]}, checked. */
public record QueuesDrainedRequest(List<String> queues) {
    public QueuesDrainedRequest {
        queues = List.copyOf(queues);
    }

    /** The input as the state machine sends it; refuses anything but a non-empty list of queue URLs. */
    public static QueuesDrainedRequest from(Map<String, Object> input) {
        Object queues = input == null ? null : input.get("queues");
        if (!(queues instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("input.queues must be a non-empty list of SQS queue URLs");
        }
        List<String> urls = new ArrayList<>();
        for (Object q : list) {
            if (!(q instanceof String url) || !url.startsWith("http")) {
                throw new IllegalArgumentException("input.queues: " + q + " is not a queue URL");
            }
            urls.add(url);
        }
        return new QueuesDrainedRequest(urls);
    }
}
