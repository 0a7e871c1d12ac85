package dev.outrigger.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.AccessDeniedException;
import software.amazon.awssdk.services.eventbridge.model.InternalException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.ThrottlingException;

/**
 * An in-memory EventBridge that answers PutEvents like the service
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html): HTTP 200 with a per-entry
 * ErrorCode for entry problems (InvalidArgument, MalformedDetail, or a scripted one), and the SDK's exception types
 * for whole-call failures. Other operations throw UnsupportedOperationException (the interface's defaults).
 */
final class FakeEventBridge implements EventBridgeClient {
    /** An entry failure to answer with, instead of accepting the entry. */
    record EntryError(String code, String message) {
    }

    final Set<String> buses;
    final List<PutEventsRequestEntry> accepted = new CopyOnWriteArrayList<>();
    final Deque<SdkException> failures = new ArrayDeque<>();
    final Deque<EntryError> entryErrors = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();

    FakeEventBridge(String... buses) {
        this.buses = Set.of(buses);
    }

    @Override
    public synchronized PutEventsResponse putEvents(PutEventsRequest request) {
        calls.incrementAndGet();
        SdkException failure = failures.poll();
        if (failure != null) {
            throw failure;
        }
        if (!request.hasEntries() || request.entries().isEmpty() || request.entries().size() > 10) {
            throw FakeSns.error(software.amazon.awssdk.services.eventbridge.model.EventBridgeException.builder(), 400,
                    "ValidationException", "1 validation error detected: Value at 'entries' failed to satisfy constraint");
        }
        List<PutEventsResultEntry> results = new ArrayList<>();
        int failed = 0;
        for (PutEventsRequestEntry entry : request.entries()) {
            String bus = entry.eventBusName() == null ? "default" : entry.eventBusName();
            String busName = bus.startsWith("arn:") ? bus.substring(bus.lastIndexOf('/') + 1) : bus;
            if (!buses.contains(busName)) {
                throw notFound("Event bus " + busName + " does not exist.");
            }
            EntryError error = entryErrors.poll();
            if (error == null) {
                error = validate(entry);
            }
            if (error != null) {
                failed++;
                results.add(PutEventsResultEntry.builder().errorCode(error.code()).errorMessage(error.message()).build());
            } else {
                accepted.add(entry);
                results.add(PutEventsResultEntry.builder().eventId("evt-" + accepted.size()).build());
            }
        }
        return PutEventsResponse.builder().failedEntryCount(failed).entries(results).build();
    }

    private static EntryError validate(PutEventsRequestEntry entry) {
        if (entry.source() == null || entry.source().isEmpty()) {
            return new EntryError("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (entry.detailType() == null || entry.detailType().isEmpty()) {
            return new EntryError("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (entry.detail() == null) {
            return new EntryError("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        try {
            JsonNode detail = Json.MAPPER.readTree(entry.detail());
            if (detail == null || !detail.isObject()) {
                return new EntryError("MalformedDetail", "Detail is malformed.");
            }
        } catch (Exception e) {
            return new EntryError("MalformedDetail", "Detail is malformed.");
        }
        if (entry.source().startsWith("aws.")) {
            return new EntryError("NotAuthorizedForSourceException", "Not authorized for the source.");
        }
        return null;
    }

    @Override
    public String serviceName() {
        return "events";
    }

    @Override
    public void close() {
    }

    static ThrottlingException throttled() {
        return (ThrottlingException) FakeSns.error(ThrottlingException.builder(), 400, "ThrottlingException", "Rate exceeded.");
    }

    static InternalException internal() {
        return (InternalException) FakeSns.error(InternalException.builder(), 500, "InternalException", "Internal service error.");
    }

    static AccessDeniedException accessDenied() {
        return (AccessDeniedException) FakeSns.error(AccessDeniedException.builder(), 400, "AccessDeniedException",
                "User is not authorized to perform: events:PutEvents");
    }

    static ResourceNotFoundException notFound(String message) {
        return (ResourceNotFoundException) FakeSns.error(ResourceNotFoundException.builder(), 400, "ResourceNotFoundException", message);
    }

    static AwsServiceException error(AwsServiceException.Builder builder, int status, String code, String message) {
        return FakeSns.error(builder, status, code, message);
    }
}
