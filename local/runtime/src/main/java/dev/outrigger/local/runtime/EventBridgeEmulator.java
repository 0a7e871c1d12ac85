package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.template.LocalEndpoints;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * EventBridge PutEvents over JSON 1.1 (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
 * each entry becomes an event in the events sink (the envelope EventBridge delivers to targets) and is optionally
 * POSTed to {@code --events-forward BUS=URL}. Invalid entries fail individually, as in AWS.
 */
final class EventBridgeEmulator implements EmulatedService {
    private final Sink sink;
    private final LocalEndpoints endpoints;
    private final Map<String, URI> forwards;   // by bus name

    EventBridgeEmulator(Sink sink, LocalEndpoints endpoints, Map<String, URI> forwardsByBus) {
        this.sink = sink;
        this.endpoints = endpoints;
        this.forwards = forwardsByBus;
    }

    @Override
    public EmulatorResponse handle(EmulatorRequest request) {
        if (!"AWSEvents.PutEvents".equals(request.target())) {
            return EmulatorResponse.jsonError(400, "UnknownOperationException",
                    "EventBridge operation " + request.target() + " is not emulated locally (emulated: PutEvents)");
        }
        JsonNode entries = request.json().path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
            return EmulatorResponse.jsonError(400, "ValidationException", "Entries must hold 1 to 10 entries");
        }
        ArrayNode results = Json.MAPPER.createArrayNode();
        int failed = 0;
        for (JsonNode entry : entries) {
            ObjectNode result = results.addObject();
            String error = validate(entry);
            if (error != null) {
                failed++;
                result.put("ErrorCode", "InvalidArgument");
                result.put("ErrorMessage", error);
                continue;
            }
            String id = UUID.randomUUID().toString();
            String bus = entry.path("EventBusName").asText("default");
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("version", "0");
            event.put("id", id);
            event.put("detail-type", entry.path("DetailType").asText());
            event.put("source", entry.path("Source").asText());
            event.put("account", endpoints.accountId());
            event.put("time", entry.hasNonNull("Time") ? entry.get("Time").asText() : Instant.now().toString());
            event.put("region", endpoints.region());
            event.set("resources", entry.has("Resources") ? entry.get("Resources") : Json.MAPPER.createArrayNode());
            try {
                event.set("detail", Json.MAPPER.readTree(entry.path("Detail").asText()));
            } catch (IOException e) {
                throw new IllegalStateException(e);   // validated above
            }
            event.put("event-bus-name", bus);
            sink.record(event, bus + " " + event.get("source").asText() + " / " + event.get("detail-type").asText() + ": "
                    + SnsEmulator.abbreviate(event.get("detail").toString()));
            URI forward = forwards.get(bus.contains("/") ? bus.substring(bus.lastIndexOf('/') + 1) : bus);
            if (forward != null) {
                sink.forward(forward, event.toString(), null);
            }
            result.put("EventId", id);
        }
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.put("FailedEntryCount", failed);
        response.set("Entries", results);
        return EmulatorResponse.json(response);
    }

    private static String validate(JsonNode entry) {
        if (entry.path("Source").asText("").isBlank()) {
            return "Parameter Source is not valid. Reason: Source is a required argument.";
        }
        if (entry.path("DetailType").asText("").isBlank()) {
            return "Parameter DetailType is not valid. Reason: DetailType is a required argument.";
        }
        String detail = entry.path("Detail").asText("");
        try {
            if (!Json.MAPPER.readTree(detail).isObject()) {
                return "Parameter Detail is not valid. Reason: Detail must be a JSON object.";
            }
        } catch (IOException e) {
            return "Parameter Detail is not valid. Reason: Detail is malformed JSON.";
        }
        return null;
    }
}
