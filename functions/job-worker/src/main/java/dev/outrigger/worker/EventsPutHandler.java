package dev.outrigger.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import dev.outrigger.core.Memo;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * {@code events.put}: {@code {"source": "app.orders", "detail_type": "OrderPlaced", "detail": {…}, "bus": "default"}}.
 *
 * <p>PutEvents answers 200 even when the entry failed; the entry's ErrorCode says why
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html): throttling and internal
 * failures are transient, everything else (malformed detail, access denied, missing bus) is permanent.
 */
public final class EventsPutHandler implements JobHandler {
    public static final String TYPE = "events.put";
    public static final String DEFAULT_BUS = "OUTRIGGER_EVENT_BUS";
    static final Set<String> TRANSIENT_CODES = Set.of("ThrottlingException", "InternalFailure", "InternalException",
            "ServiceUnavailable", "ServiceUnavailableException");

    private final Supplier<EventBridgeClient> events;
    private final String defaultBus;

    public EventsPutHandler(Supplier<EventBridgeClient> events, String defaultBus) {
        this.events = Memo.of(events);
        this.defaultBus = defaultBus;
    }

    public static EventsPutHandler fromEnv(Env env) {
        return new EventsPutHandler(() -> AwsClientConfig.configure(EventBridgeClient.builder(), env, "EVENTBRIDGE").build(),
                env.get(DEFAULT_BUS).orElse("default"));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
        JsonNode payload = job.payload();
        String source = text(payload, "source");
        String detailType = text(payload, "detail_type");
        if (source == null) {
            return invalid("payload.source: required, a string");
        }
        if (source.startsWith("aws.")) {
            return invalid("payload.source: sources starting with 'aws.' are reserved for AWS services");
        }
        if (detailType == null) {
            return invalid("payload.detail_type: required, a string");
        }
        JsonNode detail = payload.get("detail");
        String detailJson;
        if (detail == null || detail.isNull()) {
            detailJson = "{}";
        } else if (detail.isObject()) {
            detailJson = Json.write(detail);
        } else if (detail.isTextual()) {
            try {
                if (!Json.MAPPER.readTree(detail.asText()).isObject()) {
                    return invalid("payload.detail: a string detail must hold a JSON object");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return invalid("payload.detail: a string detail must hold a JSON object");
            }
            detailJson = detail.asText();
        } else {
            return invalid("payload.detail: must be a JSON object");
        }
        String bus = defaultBus;
        if (payload.hasNonNull("bus")) {
            // asText() of an object or array is "", which EventBridge would refuse only after a network round trip.
            bus = text(payload, "bus");
            if (bus == null) {
                return invalid("payload.bus: must be an event bus name or ARN");
            }
        }
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .source(source).detailType(detailType).detail(detailJson).eventBusName(bus).build();
        PutEventsResponse response;
        try {
            response = events.get().putEvents(r -> r.entries(entry));
        } catch (SdkException e) {
            return AwsOutcomes.classify(e);
        }
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            PutEventsResultEntry result = response.entries().isEmpty() ? null : response.entries().get(0);
            String code = result == null || result.errorCode() == null ? "InternalFailure" : result.errorCode();
            String message = result == null ? "entry failed" : result.errorMessage();
            return TRANSIENT_CODES.contains(code)
                    ? new JobOutcome.Retry(code, message, null)
                    : new JobOutcome.DeadLetter(code, message);
        }
        return new JobOutcome.Succeeded(response.entries().isEmpty() ? "put" : "put " + response.entries().get(0).eventId());
    }

    private static String text(JsonNode payload, String field) {
        JsonNode node = payload.get(field);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static JobOutcome invalid(String reason) {
        return new JobOutcome.DeadLetter("InvalidPayload", reason);
    }
}
