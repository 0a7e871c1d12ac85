package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Lambda's Invoke API on `local up`'s emulator, called with the AWS SDK's own Lambda client: the real redrive function
 * answers an inspect, a function error comes back as 200 with FunctionError, an unknown function (or a logical id,
 * which Lambda does not know) is ResourceNotFoundException, a timeout is Sandbox.Timedout, DryRun runs nothing.
 */
class LambdaInvokeIT {
    static LocalRuntime runtime;
    static LambdaClient lambda;

    /** Sleeps past its 1 s Timeout. */
    public static final class Sleeper implements RequestHandler<Map<String, Object>, String> {
        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(LambdaInvokeIT.class.getResource("/templates/lambda-invoke.yaml").toURI());
        runtime = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(3)).console(new PrintStream(new ByteArrayOutputStream())).build());
        lambda = LambdaClient.builder().endpointOverride(runtime.emulatorEndpoint()).region(Region.of(runtime.template().endpoints().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        String dlq = runtime.queueUrl("JobsDefaultDLQ");
        for (String id : new String[] {"job-a", "job-b"}) {
            runtime.sqs().sendMessage(b -> b.queueUrl(dlq)
                    .messageBody("{\"version\":1,\"id\":\"" + id + "\",\"type\":\"webhook\",\"payload\":{},\"created_at\":\"2026-11-21T10:00:00Z\"}")
                    .messageAttributes(Map.of("outrigger-error", s("HttpStatus404"), "outrigger-job-id", s(id),
                            "outrigger-job-type", s("webhook"), "outrigger-failed-at", s(Instant.now().toString()),
                            "outrigger-source-queue", s("outrigger-dev-jobs-default"), "outrigger-attempts", s("1"))));
        }
    }

    @AfterAll
    static void stop() {
        lambda.close();
        runtime.close();
    }

    private static MessageAttributeValue s(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    private static InvokeResponse invoke(String function, String payload) {
        return lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
    }

    @Test
    void invoke_byName_runsTheRealRedriveFunction_andReturnsItsReport_withoutConsumingTheDlq() throws Exception {
        InvokeResponse r = invoke("outrigger-dev-dlq-redrive", "{\"action\":\"inspect\",\"queue\":\"outrigger-dev-jobs-default-dlq\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).isNull();
        assertThat(r.executedVersion()).isEqualTo("$LATEST");
        JsonNode report = Json.MAPPER.readTree(r.payload().asUtf8String());
        assertThat(report.path("scanned").asInt()).isEqualTo(2);
        assertThat(report.path("groups").get(0).path("error").asText()).isEqualTo("HttpStatus404");
        assertThat(report.path("groups").get(0).path("count").asInt()).isEqualTo(2);
        assertThat(runtime.sqs().getQueueAttributes(b -> b.queueUrl(runtime.queueUrl("JobsDefaultDLQ"))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("2");
    }

    @Test
    void invoke_byArnWithAliasQualifier_runsTheSameFunction() throws Exception {
        String arn = runtime.template().function("DlqRedriveFunction").orElseThrow().arn();
        InvokeResponse r = invoke(arn + ":live", "{\"action\":\"status\",\"queue\":\"outrigger-dev-jobs-default-dlq\"}");

        assertThat(r.functionError()).isNull();
        assertThat(Json.MAPPER.readTree(r.payload().asUtf8String()).path("mode").asText()).isEqualTo("status");
    }

    @Test
    void invoke_whenTheFunctionThrows_answers200WithFunctionErrorUnhandled_andTheErrorDocument() throws Exception {
        InvokeResponse r = invoke("outrigger-dev-dlq-redrive", "{\"action\":\"explode\",\"queue\":\"outrigger-dev-jobs-default-dlq\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).isEqualTo("Unhandled");
        JsonNode error = Json.MAPPER.readTree(r.payload().asUtf8String());
        assertThat(error.path("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(error.path("errorMessage").asText()).contains("'explode'");
    }

    @Test
    void invoke_pastTheTimeout_isAnUnhandledSandboxTimedout() throws Exception {
        InvokeResponse r = invoke("outrigger-dev-slow", "{}");

        assertThat(r.functionError()).isEqualTo("Unhandled");
        JsonNode error = Json.MAPPER.readTree(r.payload().asUtf8String());
        assertThat(error.path("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(error.path("errorMessage").asText()).isEqualTo("Task timed out after 1.00 seconds");
    }

    @Test
    void invoke_ofAFunctionTheTemplateDoesNotDefine_isResourceNotFound() {
        assertThatThrownBy(() -> invoke("outrigger-dev-nope", "{}"))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.getMessage()).contains("Function not found: arn:aws:lambda:");
                });
    }

    @Test
    void invoke_byTheTemplatesLogicalId_isResourceNotFound_asLambdaKnowsNoLogicalIds() {
        assertThatThrownBy(() -> invoke("DlqRedriveFunction", "{}")).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void invoke_withAPayloadThatIsNotJson_isInvalidRequestContent() {
        assertThatThrownBy(() -> invoke("outrigger-dev-dlq-redrive", "{not json"))
                .isInstanceOfSatisfying(InvalidRequestContentException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    @Test
    void invoke_dryRun_answers204_andRunsNothing() {
        InvokeResponse r = lambda.invoke(b -> b.functionName("outrigger-dev-dlq-redrive").invocationType(InvocationType.DRY_RUN)
                .payload(SdkBytes.fromUtf8String("{\"action\":\"explode\"}")));

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.functionError()).isNull();
    }
}
