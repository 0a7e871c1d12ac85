package dev.outrigger.ops;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/** Records what would be published to SNS. */
final class CapturingSnsClient implements SnsClient {
    final List<PublishRequest> published = new CopyOnWriteArrayList<>();

    @Override
    public PublishResponse publish(PublishRequest r) {
        published.add(r);
        return PublishResponse.builder().messageId("msg-" + published.size()).build();
    }

    @Override
    public String serviceName() {
        return "sns";
    }

    @Override
    public void close() {
    }
}
