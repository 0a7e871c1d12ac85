package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.ConfigException;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/** {@code sns.publish} against {@link FakeSns}, which answers like the service. */
class SnsPublishHandlerTest {
    static final String OPS = "arn:aws:sns:us-east-1:123456789012:outrigger-ops";
    static final String ALERTS = "arn:aws:sns:us-east-1:123456789012:ops-alerts";
    static final String ORDERS_FIFO = "arn:aws:sns:us-east-1:123456789012:orders.fifo";

    private final FakeSns sns = new FakeSns(OPS, ALERTS, ORDERS_FIFO);
    private final SnsPublishHandler handler = new SnsPublishHandler(() -> sns,
            Map.of("ops", OPS, "OPS_ALERTS", ALERTS, "orders", ORDERS_FIFO));

    private static JobEnvelope job(ObjectNode payload) {
        return JobEnvelope.create(SnsPublishHandler.TYPE, payload);
    }

    private static ObjectNode payload(String topic, String message) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        if (topic != null) {
            p.put("topic", topic);
        }
        if (message != null) {
            p.put("message", message);
        }
        return p;
    }

    private JobOutcome run(ObjectNode payload) {
        JobEnvelope job = job(payload);
        return handler.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(10)));
    }

    // ---- topic resolution ----

    @Test
    void topics_fromJsonVariable_mapsEachName() {
        Map<String, String> topics = SnsPublishHandler.topics(Env.of(Map.of(SnsPublishHandler.TOPICS,
                "{\"ops\": \"" + OPS + "\", \"orders\": \"" + ORDERS_FIFO + "\"}")));
        assertThat(topics).containsExactlyInAnyOrderEntriesOf(Map.of("ops", OPS, "orders", ORDERS_FIFO));
    }

    @Test
    void topics_fromPerTopicVariables_useTheSuffixAndIgnoreOtherVariables() {
        Map<String, String> topics = SnsPublishHandler.topics(Env.of(Map.of(
                "OUTRIGGER_SNS_TOPIC_OPS_ALERTS", " " + ALERTS + " ",
                "OUTRIGGER_SNS_TOPIC_EMPTY", " ",
                "OUTRIGGER_EVENT_BUS", "default")));
        assertThat(topics).containsExactlyEntriesOf(Map.of("OPS_ALERTS", ALERTS));
    }

    @Test
    void topics_jsonAndPerTopicVariables_combine_perTopicWinsOnTheSameName() {
        Map<String, String> topics = SnsPublishHandler.topics(Env.of(Map.of(
                SnsPublishHandler.TOPICS, "{\"OPS\": \"arn:aws:sns:us-east-1:123456789012:old\"}",
                "OUTRIGGER_SNS_TOPIC_OPS", OPS)));
        assertThat(topics).containsExactlyEntriesOf(Map.of("OPS", OPS));
    }

    @Test
    void topics_whenJsonIsInvalid_throwsConfigExceptionNamingTheVariable() {
        assertThatThrownBy(() -> SnsPublishHandler.topics(Env.of(Map.of(SnsPublishHandler.TOPICS, "{ops: arn"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OUTRIGGER_SNS_TOPICS is not valid JSON");
        assertThatThrownBy(() -> SnsPublishHandler.topics(Env.of(Map.of(SnsPublishHandler.TOPICS, "[\"" + OPS + "\"]"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> SnsPublishHandler.topics(Env.of(Map.of(SnsPublishHandler.TOPICS, "{\"ops\": \"not-an-arn\"}"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OUTRIGGER_SNS_TOPICS.ops must be a topic ARN");
    }

    @Test
    void fromEnv_resolvesTopicsFromTheEnvironment_andBuildsNoClientUntilNeeded() {
        SnsPublishHandler fromEnv = SnsPublishHandler.fromEnv(Env.of(Map.of(SnsPublishHandler.TOPICS, "{\"ops\": \"" + OPS + "\"}")));
        JobEnvelope job = job(payload("nope", "hi"));
        // An unknown topic is decided before any client exists (none could be built without a region here anyway).
        assertThat(fromEnv.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5))))
                .isInstanceOf(JobOutcome.DeadLetter.class);
    }

    @Test
    void handle_exactJsonName_publishesToItsArn() {
        assertThat(run(payload("ops", "hello"))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(sns.published).singleElement().extracting(PublishRequest::topicArn).isEqualTo(OPS);
    }

    @Test
    void handle_dashedOrDottedName_findsThePerTopicVariable() {
        assertThat(run(payload("ops-alerts", "a"))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(run(payload("ops.alerts", "b"))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(sns.published).extracting(PublishRequest::topicArn).containsExactly(ALERTS, ALERTS);
    }

    @Test
    void handle_unknownTopic_deadLettersNamingTheTopic_andCallsNothing() {
        JobOutcome outcome = run(payload("billing", "hello"));
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> {
            assertThat(d.errorClass()).isEqualTo("UnknownTopic");
            assertThat(d.reason()).contains("'billing'").contains("OUTRIGGER_SNS_TOPICS").contains("OUTRIGGER_SNS_TOPIC_<NAME>");
        });
        assertThat(sns.calls).hasValue(0);
    }

    @Test
    void handle_topicNameIsNotAnArn_theJobCannotPickAnArbitraryTopic() {
        JobOutcome outcome = run(payload("arn:aws:sns:us-east-1:999999999999:elsewhere", "hello"));
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.errorClass()).isEqualTo("UnknownTopic"));
        assertThat(sns.calls).hasValue(0);
    }

    @Test
    void handle_missingOrBlankTopic_isInvalidPayload() {
        assertThat(run(payload(null, "x"))).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload",
                "payload.topic: required, a logical topic name"));
        assertThat(run(payload("  ", "x"))).isInstanceOf(JobOutcome.DeadLetter.class);
        ObjectNode numeric = payload(null, "x");
        numeric.put("topic", 7);
        assertThat(run(numeric)).isInstanceOf(JobOutcome.DeadLetter.class);
        assertThat(sns.calls).hasValue(0);
    }

    // ---- mapping onto PublishRequest ----

    @Test
    void handle_mapsMessageSubjectAndAttributes() {
        ObjectNode p = payload("ops", "Nightly report ready");
        p.put("subject", "Report");
        p.putObject("attributes").put("severity", "info").put("team", "data");
        assertThat(run(p)).isEqualTo(new JobOutcome.Succeeded("published msg-1"));
        PublishRequest request = sns.published.get(0);
        assertThat(request.message()).isEqualTo("Nightly report ready");
        assertThat(request.subject()).isEqualTo("Report");
        assertThat(request.messageAttributes()).containsOnlyKeys("severity", "team");
        assertThat(request.messageAttributes().get("severity").dataType()).isEqualTo("String");
        assertThat(request.messageAttributes().get("severity").stringValue()).isEqualTo("info");
        assertThat(request.messageGroupId()).isNull();
        assertThat(request.messageDeduplicationId()).isNull();
    }

    @Test
    void handle_objectMessage_isPublishedAsCompactJson() throws Exception {
        ObjectNode p = payload("ops", null);
        p.putObject("message").put("report", "nightly").putArray("rows").add(1).add(2);
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        String message = sns.published.get(0).message();
        assertThat(message).isEqualTo("{\"report\":\"nightly\",\"rows\":[1,2]}");
        assertThat(Json.MAPPER.readTree(message)).isEqualTo(p.get("message"));
        assertThat(sns.published.get(0).subject()).isNull();
        assertThat(sns.published.get(0).messageAttributes()).isEmpty();
    }

    @Test
    void handle_missingMessage_orBadSubjectOrAttributes_isInvalidPayload_namingTheField() {
        assertThat(run(payload("ops", null))).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.message: required"));
        ObjectNode subject = payload("ops", "m");
        subject.put("subject", 5);
        assertThat(run(subject)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.subject: must be a string"));
        ObjectNode attributes = payload("ops", "m");
        attributes.putArray("attributes");
        assertThat(run(attributes)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.attributes: must be an object of strings"));
        ObjectNode attribute = payload("ops", "m");
        attribute.putObject("attributes").put("count", 3);
        assertThat(run(attribute)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.attributes.count: must be a string"));
        assertThat(sns.calls).hasValue(0);
    }

    @Test
    void handle_subjectSnsRefuses_isDeadLetteredWithSnsErrorCode() {
        ObjectNode p = payload("ops", "m");
        p.put("subject", "line one\nline two");
        assertThat(run(p)).isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> {
            assertThat(d.errorClass()).isEqualTo("InvalidParameter");
            assertThat(d.reason()).isEqualTo("Invalid parameter: Subject");
        });
    }

    @Test
    void handle_messageOverSnsLimit_isDeadLettered() {
        assertThat(run(payload("ops", "x".repeat(FakeSns.MAX_MESSAGE_BYTES + 1))))
                .isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> assertThat(d.errorClass()).isEqualTo("InvalidParameter"));
    }

    // ---- FIFO topics ----

    @Test
    void handle_fifoTopic_setsGroupFromPayload_andJobIdAsDedupId() {
        ObjectNode p = payload("orders", "o-1");
        p.put("group_id", "customer-42");
        JobEnvelope job = job(p);
        assertThat(handler.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5))))
                .isInstanceOf(JobOutcome.Succeeded.class);
        PublishRequest request = sns.published.get(0);
        assertThat(request.topicArn()).isEqualTo(ORDERS_FIFO);
        assertThat(request.messageGroupId()).isEqualTo("customer-42");
        assertThat(request.messageDeduplicationId()).isEqualTo(job.id());
    }

    @Test
    void handle_fifoTopicWithoutGroup_usesADefaultGroup_soSnsAcceptsIt() {
        assertThat(run(payload("orders", "o-2"))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(sns.published.get(0).messageGroupId()).isEqualTo("outrigger");
    }

    @Test
    void handle_retriedFifoJob_sendsTheSameDedupIdEachTry() {
        JobEnvelope job = job(payload("orders", "o-3"));
        sns.failures.add(FakeSns.internal());
        assertThat(handler.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5)))).isInstanceOf(JobOutcome.Retry.class);
        assertThat(handler.handle(job, new JobAttempt(job.id(), 2, Instant.now().plusSeconds(5)))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(sns.published).singleElement().extracting(PublishRequest::messageDeduplicationId).isEqualTo(job.id());
    }

    // ---- error classification ----

    private JobOutcome publishFailingWith(RuntimeException failure) {
        sns.failures.add((software.amazon.awssdk.core.exception.SdkException) failure);
        return run(payload("ops", "m"));
    }

    @Test
    void handle_throttled_retries() {
        assertThat(publishFailingWith(FakeSns.throttled())).isEqualTo(new JobOutcome.Retry("Throttled", "Rate exceeded", null));
    }

    @Test
    void handle_kmsThrottling_retries_althoughSnsAnswers400() {
        assertThat(publishFailingWith(FakeSns.kmsThrottled())).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.errorClass()).isEqualTo("KMSThrottling"));
    }

    @Test
    void handle_internalErrorOrUnavailable_retries() {
        assertThat(publishFailingWith(FakeSns.internal())).isEqualTo(new JobOutcome.Retry("InternalError", "Internal error", null));
        assertThat(publishFailingWith(FakeSns.unavailable())).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.errorClass()).isEqualTo("ServiceUnavailable"));
    }

    @Test
    void handle_clientSideFailure_retries() {
        assertThat(publishFailingWith(SdkClientException.create("Unable to execute HTTP request: Connection refused")))
                .isEqualTo(new JobOutcome.Retry("SdkClientError", "Unable to execute HTTP request: Connection refused", null));
    }

    @Test
    void handle_invalidParameterNotFoundOrAuthorization_deadLetters() {
        assertThat(publishFailingWith(FakeSns.invalid("Invalid parameter: Message")))
                .isEqualTo(new JobOutcome.DeadLetter("InvalidParameter", "Invalid parameter: Message"));
        assertThat(publishFailingWith(FakeSns.unauthorized())).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.errorClass()).isEqualTo("AuthorizationError"));
    }

    @Test
    void handle_configuredTopicThatNoLongerExists_deadLettersWithNotFound() {
        SnsPublishHandler stale = new SnsPublishHandler(() -> sns, Map.of("gone", "arn:aws:sns:us-east-1:123456789012:deleted"));
        JobEnvelope job = job(payload("gone", "m"));
        assertThat(stale.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5))))
                .isEqualTo(new JobOutcome.DeadLetter("NotFound", "Topic does not exist"));
    }

    @Test
    void handle_clientIsBuiltOnce_onFirstPublish() {
        AtomicInteger built = new AtomicInteger();
        SnsPublishHandler lazy = new SnsPublishHandler(() -> {
            built.incrementAndGet();
            return sns;
        }, Map.of("ops", OPS));
        JobEnvelope bad = job(payload("ops", null));
        lazy.handle(bad, new JobAttempt(bad.id(), 1, Instant.now().plusSeconds(5)));
        assertThat(built).hasValue(0);
        for (int i = 0; i < 3; i++) {
            JobEnvelope job = job(payload("ops", "m" + i));
            lazy.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(5)));
        }
        assertThat(built).hasValue(1);
        assertThat(sns.published).hasSize(3);
    }
}
