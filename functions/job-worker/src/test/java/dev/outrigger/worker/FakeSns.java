package dev.outrigger.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.KmsThrottlingException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

/**
 * An in-memory SNS that answers Publish the way the service does
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): the same validation rules for the fields the worker
 * sets, and the SDK's own exception types with the status codes and error codes SNS sends. Other operations throw
 * UnsupportedOperationException (the interface's defaults).
 */
final class FakeSns implements SnsClient {
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    final Set<String> topics;
    final List<PublishRequest> published = new CopyOnWriteArrayList<>();
    /** Failures to throw on the next calls, in order, before the request is looked at. */
    final Deque<SdkException> failures = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();

    FakeSns(String... topicArns) {
        this.topics = Set.of(topicArns);
    }

    @Override
    public synchronized PublishResponse publish(PublishRequest request) {
        calls.incrementAndGet();
        SdkException failure = failures.poll();
        if (failure != null) {
            throw failure;
        }
        if (request.topicArn() == null || !request.topicArn().startsWith("arn:aws:sns:")) {
            throw invalid("Invalid parameter: TopicArn");
        }
        if (!topics.contains(request.topicArn())) {
            throw error(NotFoundException.builder(), 404, "NotFound", "Topic does not exist");
        }
        if (request.message() == null || request.message().isEmpty()) {
            throw invalid("Invalid parameter: Empty message");
        }
        if (request.message().getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw invalid("Invalid parameter: Message too long");
        }
        if (request.subject() != null && (request.subject().isEmpty() || request.subject().length() > 100
                || !request.subject().chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
            throw invalid("Invalid parameter: Subject");
        }
        boolean fifo = request.topicArn().endsWith(".fifo");
        if (fifo && request.messageGroupId() == null) {
            throw invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
        }
        if (fifo && request.messageDeduplicationId() == null) {
            throw invalid("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        }
        if (!fifo && request.messageDeduplicationId() != null) {
            throw invalid("Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
        }
        request.messageAttributes().forEach((name, value) -> {
            if (value.dataType() == null || value.stringValue() == null) {
                throw invalid("Invalid parameter: Message attribute '" + name + "' must contain non-empty message attribute value");
            }
        });
        published.add(request);
        return PublishResponse.builder().messageId("msg-" + published.size())
                .sequenceNumber(fifo ? String.format("%020d", published.size()) : null).build();
    }

    @Override
    public String serviceName() {
        return "sns";
    }

    @Override
    public void close() {
    }

    static InvalidParameterException invalid(String message) {
        return (InvalidParameterException) error(InvalidParameterException.builder(), 400, "InvalidParameter", message);
    }

    static ThrottledException throttled() {
        return (ThrottledException) error(ThrottledException.builder(), 429, "Throttled", "Rate exceeded");
    }

    static KmsThrottlingException kmsThrottled() {
        return (KmsThrottlingException) error(KmsThrottlingException.builder(), 400, "KMSThrottling",
                "The request was denied due to request throttling");
    }

    static InternalErrorException internal() {
        return (InternalErrorException) error(InternalErrorException.builder(), 500, "InternalError", "Internal error");
    }

    static AuthorizationErrorException unauthorized() {
        return (AuthorizationErrorException) error(AuthorizationErrorException.builder(), 403, "AuthorizationError",
                "User: arn:aws:sts::123456789012:assumed-role/job-worker is not authorized to perform: SNS:Publish");
    }

    static SnsException unavailable() {
        return (SnsException) error(SnsException.builder(), 503, "ServiceUnavailable", "Service Unavailable");
    }

    /** What the SDK's query-protocol error unmarshaller builds from an SNS error response. */
    static AwsServiceException error(AwsServiceException.Builder builder, int status, String code, String message) {
        return builder.message(message + " (Service: Sns, Status Code: " + status + ")")
                .statusCode(status)
                .requestId("req-1")
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("Sns")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                        .build())
                .build();
    }
}
