package dev.outrigger.worker;

import dev.outrigger.core.JobOutcome;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Classifies an AWS SDK failure like an HTTP answer: throttling, 5xx and network trouble retry; other 4xx don't. */
final class AwsOutcomes {
    /**
     * Transient errors that services answer with a 4xx status the SDK does not count as throttling: SNS's KMSThrottling
     * is HTTP 400 (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors), as are KMS's own
     * throttling and the request-timeout codes.
     */
    static final Set<String> TRANSIENT_4XX_CODES = Set.of("KMSThrottling", "KMSThrottlingException",
            "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete");

    private AwsOutcomes() {
    }

    static JobOutcome classify(SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
                    ? service.awsErrorDetails().errorCode() : "Http" + service.statusCode();
            String message = service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
                    ? service.awsErrorDetails().errorMessage() : service.getMessage();
            if (service.isThrottlingException() || service.statusCode() >= 500 || service.statusCode() == 408
                    || TRANSIENT_4XX_CODES.contains(code)) {
                return new JobOutcome.Retry(code, message, null);
            }
            // Not found, invalid parameter, access denied (an IAM fix, then a redrive): trying again won't help.
            return new JobOutcome.DeadLetter(code, message);
        }
        if (e instanceof SdkClientException) {
            // No answer at all (connection, timeout): transient.
            return new JobOutcome.Retry("SdkClientError", e.getMessage(), null);
        }
        return new JobOutcome.Retry(e.getClass().getSimpleName(), e.getMessage(), null);
    }
}
