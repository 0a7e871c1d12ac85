package dev.outrigger.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** An in-memory stand-in for the few SQS calls the worker makes; records what it was asked. */
final class FakeSqs implements SqsClient {
    static final String SOURCE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs";
    static final String SOURCE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";
    static final String DLQ_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq";

    String redrivePolicy = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:jobs-dlq\",\"maxReceiveCount\":5}";
    volatile boolean failSends;
    volatile boolean failVisibility;
    final List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
    final List<ChangeMessageVisibilityRequest> visibility = new CopyOnWriteArrayList<>();
    final AtomicInteger attributeLookups = new AtomicInteger();

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return switch (request.queueName()) {
            case "jobs" -> GetQueueUrlResponse.builder().queueUrl(SOURCE_URL).build();
            case "jobs-dlq" -> GetQueueUrlResponse.builder().queueUrl(DLQ_URL).build();
            case "missing" -> throw QueueDoesNotExistException.builder().message(request.queueName()).build();
            default -> GetQueueUrlResponse.builder().queueUrl("https://sqs.us-east-1.amazonaws.com/123456789012/" + request.queueName()).build();
        };
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        attributeLookups.incrementAndGet();
        return GetQueueAttributesResponse.builder()
                .attributes(redrivePolicy == null ? Map.of() : Map.of(QueueAttributeName.REDRIVE_POLICY, redrivePolicy))
                .build();
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        if (failSends) {
            throw SqsException.builder().message("send refused").statusCode(500).build();
        }
        sent.add(request);
        return SendMessageResponse.builder().messageId("dlq-" + sent.size()).build();
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
        if (failVisibility) {
            throw SqsException.builder().message("receipt handle expired").statusCode(400).build();
        }
        visibility.add(request);
        return ChangeMessageVisibilityResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {
    }
}
