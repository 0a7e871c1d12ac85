package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

/**
 * {@code sns.publish} through the real SDK client to an SNS stand-in on 127.0.0.1 that speaks the query protocol
 * (form-encoded Action=Publish in, XML out; https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html for errors),
 * so the wire mapping and the SDK's own error unmarshalling are what get classified.
 */
class SnsPublishHandlerIT {
    static final String OPS = "arn:aws:sns:us-east-1:123456789012:outrigger-ops";
    static final String FIFO = "arn:aws:sns:us-east-1:123456789012:orders.fifo";

    static HttpServer server;
    static String endpoint;
    static final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    /** Status and XML error code to answer with, or null to accept. */
    static volatile String[] error;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            form.put("_authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            requests.add(form);
            String[] e = error;
            int status;
            String xml;
            if (e != null) {
                status = Integer.parseInt(e[0]);
                xml = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>"
                        + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + e[1] + "</Code><Message>" + e[2]
                        + "</Message></Error><RequestId>req-err</RequestId></ErrorResponse>";
            } else {
                status = 200;
                xml = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
                        + "94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult><ResponseMetadata><RequestId>"
                        + "req-1</RequestId></ResponseMetadata></PublishResponse>";
            }
            byte[] out = xml.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
        endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        // The JVM's first SDK call loads and initialises most of the SDK (seconds on a busy 2-core box); pay it here
        // once rather than in whichever test happens to run first.
        try (SnsClient warm = client()) {
            warm.publish(r -> r.topicArn(OPS).message("warm-up"));
        }
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void reset() {
        requests.clear();
        error = null;
    }

    private static Env env() {
        return Env.of(Map.of("AWS_ENDPOINT_URL_SNS", endpoint, "AWS_REGION", "us-east-1",
                SnsPublishHandler.TOPICS, "{\"ops\": \"" + OPS + "\", \"orders\": \"" + FIFO + "\"}"));
    }

    /** The production client configuration, minus the SDK's own retries (the worker retries, and tests stay fast). */
    private static SnsClient client() {
        return AwsClientConfig.configure(SnsClient.builder(), env(), "SNS")
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private JobOutcome run(SnsPublishHandler handler, ObjectNode payload) {
        JobEnvelope job = new JobEnvelope(1, "job-sns-0001", SnsPublishHandler.TYPE, payload, Instant.now(), null, null, Map.of());
        return handler.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5)));
    }

    private static ObjectNode payload(String topic) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("topic", topic).put("subject", "Nightly report ready");
        p.putObject("message").put("report", "nightly");
        p.putObject("attributes").put("severity", "info");
        return p;
    }

    @Test
    void fromEnv_publishesOverTheQueryProtocol_withEveryFieldOnTheWire() {
        SnsPublishHandler handler = SnsPublishHandler.fromEnv(env());
        assertThat(run(handler, payload("ops"))).isEqualTo(new JobOutcome.Succeeded("published 94f20ce6-13c5-43a0-9a9e-ca52d816e90b"));
        Map<String, String> form = requests.get(0);
        assertThat(form).containsEntry("Action", "Publish").containsEntry("Version", "2010-03-31")
                .containsEntry("TopicArn", OPS)
                .containsEntry("Message", "{\"report\":\"nightly\"}")
                .containsEntry("Subject", "Nightly report ready")
                .containsEntry("MessageAttributes.entry.1.Name", "severity")
                .containsEntry("MessageAttributes.entry.1.Value.DataType", "String")
                .containsEntry("MessageAttributes.entry.1.Value.StringValue", "info")
                .doesNotContainKeys("MessageGroupId", "MessageDeduplicationId");
        // Signed with the local credentials AwsClientConfig uses when an endpoint override is set.
        assertThat(form.get("_authorization")).startsWith("AWS4-HMAC-SHA256 Credential=local/").contains("/us-east-1/sns/");
    }

    @Test
    void fifoTopic_sendsGroupAndDedupIds() {
        SnsPublishHandler handler = new SnsPublishHandler(SnsPublishHandlerIT::client, Map.of("orders", FIFO));
        ObjectNode p = payload("orders");
        p.put("group_id", "customer-42");
        assertThat(run(handler, p)).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(requests.get(0)).containsEntry("TopicArn", FIFO).containsEntry("MessageGroupId", "customer-42")
                .containsEntry("MessageDeduplicationId", "job-sns-0001");
    }

    @Test
    void sdkUnmarshalsTheStandInsErrors_intoTheModelledExceptions() {
        try (SnsClient sns = client()) {
            error = new String[] {"400", "InvalidParameter", "Invalid parameter: Subject"};
            assertThatThrownBy(() -> sns.publish(r -> r.topicArn(OPS).message("m")))
                    .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameter");
                    });
            error = new String[] {"429", "Throttled", "Rate exceeded"};
            assertThatThrownBy(() -> sns.publish(r -> r.topicArn(OPS).message("m"))).isInstanceOf(ThrottledException.class);
        }
    }

    private JobOutcome answering(String status, String code, String message) {
        error = new String[] {status, code, message};
        return run(new SnsPublishHandler(SnsPublishHandlerIT::client, Map.of("ops", OPS)), payload("ops"));
    }

    @Test
    void transientAnswers_retry() {
        assertThat(answering("429", "Throttled", "Rate exceeded")).isEqualTo(new JobOutcome.Retry("Throttled", "Rate exceeded", null));
        assertThat(answering("400", "KMSThrottling", "KMS throttled")).isEqualTo(new JobOutcome.Retry("KMSThrottling", "KMS throttled", null));
        assertThat(answering("500", "InternalError", "oops")).isEqualTo(new JobOutcome.Retry("InternalError", "oops", null));
        assertThat(answering("503", "ServiceUnavailable", "busy")).isEqualTo(new JobOutcome.Retry("ServiceUnavailable", "busy", null));
    }

    @Test
    void permanentAnswers_deadLetter() {
        assertThat(answering("400", "InvalidParameter", "Invalid parameter: Message"))
                .isEqualTo(new JobOutcome.DeadLetter("InvalidParameter", "Invalid parameter: Message"));
        assertThat(answering("404", "NotFound", "Topic does not exist")).isEqualTo(new JobOutcome.DeadLetter("NotFound", "Topic does not exist"));
        assertThat(answering("403", "AuthorizationError", "not authorized")).isEqualTo(new JobOutcome.DeadLetter("AuthorizationError", "not authorized"));
    }

    @Test
    void connectionRefused_retries() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        Env env = Env.of(Map.of("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:" + closedPort, "AWS_REGION", "us-east-1"));
        SnsPublishHandler handler = new SnsPublishHandler(() -> AwsClientConfig.configure(SnsClient.builder(), env, "SNS")
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build(), Map.of("ops", OPS));
        assertThat(run(handler, payload("ops"))).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.errorClass()).isEqualTo("SdkClientError"));
    }
}
