package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** {@code events.put} against {@link FakeEventBridge}, which answers like the service. */
class EventsPutHandlerTest {
    private final FakeEventBridge events = new FakeEventBridge("default", "orders");
    private final EventsPutHandler handler = new EventsPutHandler(() -> events, "default");

    private static ObjectNode payload() {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("source", "app.orders").put("detail_type", "OrderPlaced");
        p.putObject("detail").put("order_id", "o-1001").put("total", "42.00");
        return p;
    }

    private JobOutcome run(EventsPutHandler h, ObjectNode payload) {
        JobEnvelope job = JobEnvelope.create(EventsPutHandler.TYPE, payload);
        return h.handle(job, new JobAttempt(job.id(), 1, Instant.now().plusSeconds(10)));
    }

    private JobOutcome run(ObjectNode payload) {
        return run(handler, payload);
    }

    // ---- request mapping ----

    @Test
    void handle_mapsSourceDetailTypeAndDetail_ontoOneEntry() {
        assertThat(run(payload())).isEqualTo(new JobOutcome.Succeeded("put evt-1"));
        PutEventsRequestEntry entry = events.accepted.get(0);
        assertThat(entry.source()).isEqualTo("app.orders");
        assertThat(entry.detailType()).isEqualTo("OrderPlaced");
        assertThat(entry.detail()).isEqualTo("{\"order_id\":\"o-1001\",\"total\":\"42.00\"}");
        assertThat(entry.eventBusName()).isEqualTo("default");
    }

    @Test
    void handle_nestedDetail_roundTripsExactly() throws Exception {
        ObjectNode p = payload();
        ObjectNode detail = p.putObject("detail");
        detail.putObject("customer").put("id", 7).putNull("email");
        detail.putArray("lines").addObject().put("sku", "é-ü-\"quoted\"").put("qty", 2);
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(Json.MAPPER.readTree(events.accepted.get(0).detail())).isEqualTo(detail);
    }

    @Test
    void handle_detailAsStringHoldingAnObject_isSentVerbatim() {
        ObjectNode p = payload();
        p.put("detail", "{ \"already\": \"serialized\" }");
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(events.accepted.get(0).detail()).isEqualTo("{ \"already\": \"serialized\" }");
    }

    @Test
    void handle_missingOrNullDetail_sendsAnEmptyObject() {
        ObjectNode p = payload();
        p.remove("detail");
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        p.putNull("detail");
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(events.accepted).extracting(PutEventsRequestEntry::detail).containsExactly("{}", "{}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "42", "\"a string\"", "\"[1]\"", "\"{not json\"", "true"})
    void handle_detailThatIsNotAnObject_isInvalidPayload_andNothingIsSent(String detailJson) throws Exception {
        ObjectNode p = payload();
        p.set("detail", Json.MAPPER.readTree(detailJson));
        assertThat(run(p)).isInstanceOfSatisfying(JobOutcome.DeadLetter.class, d -> {
            assertThat(d.errorClass()).isEqualTo("InvalidPayload");
            assertThat(d.reason()).startsWith("payload.detail:");
        });
        assertThat(events.calls).hasValue(0);
    }

    @Test
    void handle_busFromPayload_overridesTheDefault() {
        ObjectNode p = payload();
        p.put("bus", "orders");
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        p.put("bus", "arn:aws:events:us-east-1:123456789012:event-bus/orders");
        assertThat(run(p)).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(events.accepted).extracting(PutEventsRequestEntry::eventBusName)
                .containsExactly("orders", "arn:aws:events:us-east-1:123456789012:event-bus/orders");
    }

    @Test
    void handle_withoutBus_usesTheConfiguredDefaultBus() {
        EventsPutHandler ordersByDefault = new EventsPutHandler(() -> events, "orders");
        assertThat(run(ordersByDefault, payload())).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(events.accepted.get(0).eventBusName()).isEqualTo("orders");
    }

    @Test
    void handle_busThatIsNotAString_isInvalidPayload() {
        ObjectNode p = payload();
        p.putObject("bus").put("name", "orders");
        assertThat(run(p)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.bus: must be an event bus name or ARN"));
        p.put("bus", " ");
        assertThat(run(p)).isInstanceOf(JobOutcome.DeadLetter.class);
        assertThat(events.calls).hasValue(0);
    }

    @Test
    void fromEnv_withoutClientConfig_decidesInvalidPayloadWithoutBuildingAClient() {
        EventsPutHandler fromEnv = EventsPutHandler.fromEnv(Env.of(Map.of()));
        ObjectNode p = payload();
        p.remove("source");
        assertThat(run(fromEnv, p)).isInstanceOf(JobOutcome.DeadLetter.class);
    }

    // ---- validation ----

    @Test
    void handle_missingOrBlankSource_isInvalidPayload() {
        ObjectNode p = payload();
        p.remove("source");
        assertThat(run(p)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.source: required, a string"));
        p.put("source", "   ");
        assertThat(run(p)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.source: required, a string"));
        p.put("source", 12);
        assertThat(run(p)).isInstanceOf(JobOutcome.DeadLetter.class);
        assertThat(events.calls).hasValue(0);
    }

    @Test
    void handle_awsReservedSource_isInvalidPayload() {
        ObjectNode p = payload();
        p.put("source", "aws.ec2");
        assertThat(run(p)).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.reason()).contains("'aws.'").startsWith("payload.source:"));
        assertThat(events.calls).hasValue(0);
    }

    @Test
    void handle_missingDetailType_isInvalidPayload() {
        ObjectNode p = payload();
        p.remove("detail_type");
        assertThat(run(p)).isEqualTo(new JobOutcome.DeadLetter("InvalidPayload", "payload.detail_type: required, a string"));
        assertThat(events.calls).hasValue(0);
    }

    // ---- entry failures (HTTP 200, FailedEntryCount > 0) ----

    @ParameterizedTest
    @ValueSource(strings = {"ThrottlingException", "InternalException", "InternalFailure"})
    void handle_transientEntryError_retriesWithTheErrorCode(String code) {
        events.entryErrors.add(new FakeEventBridge.EntryError(code, "try later"));
        assertThat(run(payload())).isEqualTo(new JobOutcome.Retry(code, "try later", null));
        assertThat(events.accepted).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AccessDeniedException", "InvalidArgument", "MalformedDetail", "NotAuthorizedForSourceException",
            "NotAuthorizedForDetailTypeException", "InvalidAccountIdException", "RedactionFailure"})
    void handle_permanentEntryError_deadLettersWithTheErrorCode(String code) {
        events.entryErrors.add(new FakeEventBridge.EntryError(code, "no"));
        assertThat(run(payload())).isEqualTo(new JobOutcome.DeadLetter(code, "no"));
    }

    @Test
    void handle_failedEntryWithoutDetails_retriesAsInternalFailure() {
        // An answer the documentation doesn't promise but the types allow: a failure count with no entries.
        software.amazon.awssdk.services.eventbridge.EventBridgeClient bare = new software.amazon.awssdk.services.eventbridge.EventBridgeClient() {
            @Override
            public software.amazon.awssdk.services.eventbridge.model.PutEventsResponse putEvents(
                    software.amazon.awssdk.services.eventbridge.model.PutEventsRequest request) {
                return software.amazon.awssdk.services.eventbridge.model.PutEventsResponse.builder().failedEntryCount(1).build();
            }

            @Override
            public String serviceName() {
                return "events";
            }

            @Override
            public void close() {
            }
        };
        EventsPutHandler odd = new EventsPutHandler(() -> bare, "default");
        assertThat(run(odd, payload())).isInstanceOfSatisfying(JobOutcome.Retry.class,
                r -> assertThat(r.errorClass()).isEqualTo("InternalFailure"));
    }

    // ---- whole-call failures ----

    private JobOutcome putFailingWith(SdkException failure) {
        events.failures.add(failure);
        return run(payload());
    }

    @Test
    void handle_throttlingException_retries_althoughItIs400() {
        assertThat(putFailingWith(FakeEventBridge.throttled())).isEqualTo(new JobOutcome.Retry("ThrottlingException", "Rate exceeded.", null));
    }

    @Test
    void handle_internalException_retries() {
        assertThat(putFailingWith(FakeEventBridge.internal())).isEqualTo(new JobOutcome.Retry("InternalException", "Internal service error.", null));
    }

    @Test
    void handle_sdkClientException_retries() {
        assertThat(putFailingWith(SdkClientException.create("Unable to execute HTTP request: Read timed out")))
                .isInstanceOfSatisfying(JobOutcome.Retry.class, r -> assertThat(r.errorClass()).isEqualTo("SdkClientError"));
    }

    @Test
    void handle_accessDenied_deadLetters() {
        assertThat(putFailingWith(FakeEventBridge.accessDenied())).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.errorClass()).isEqualTo("AccessDeniedException"));
    }

    @Test
    void handle_unknownBus_deadLettersWithResourceNotFound() {
        ObjectNode p = payload();
        p.put("bus", "missing-bus");
        assertThat(run(p)).isEqualTo(new JobOutcome.DeadLetter("ResourceNotFoundException", "Event bus missing-bus does not exist."));
    }
}
