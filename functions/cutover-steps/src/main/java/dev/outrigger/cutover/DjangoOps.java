package dev.outrigger.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.DjangoRoute;
import dev.outrigger.core.HttpOutcomes;
import dev.outrigger.core.HttpResult;
import dev.outrigger.core.Json;
import dev.outrigger.core.SignedDjangoClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The two Django ops endpoints the cutover calls, as signed POSTs (DESIGN.md, "Signed calls to Django"):
 * {@code maintenance} ({"action": "maintenance", "enabled", "reason", "issued_at"}) and {@code verify-writes}
 * ({"action": "verify-writes"}, optionally with "database").
 * Failures are exceptions on purpose: they cross the Lambda boundary as the function error the state machine
 * catches by name.
 */
public final class DjangoOps {
    /** Only this much of Django's answer is kept in an error: enough to diagnose, never a page of HTML. */
    private static final int MAX_DETAIL_CHARS = 300;

    private final SignedDjangoClient django;
    private final Supplier<String> callIds;
    private final Duration timeout;

    public DjangoOps(SignedDjangoClient django, Supplier<String> callIds, Duration timeout) {
        this.django = django;
        this.callIds = callIds;
        this.timeout = timeout;
    }

    public static DjangoOps of(SignedDjangoClient django) {
        return new DjangoOps(django, () -> "cutover-" + UUID.randomUUID(), Duration.ofSeconds(20));
    }

    /**
     * Turns maintenance mode on or off; returns Django's answer ({"enabled", "reason", "changed_at"}). issuedAt orders
     * the call among the switches: Django refuses a call issued before the one that made its last change, so a
     * captured "on" replayed within the signature window cannot undo a later "off".
     */
    public MaintenanceState setMaintenance(boolean enabled, String reason, Instant issuedAt) {
        ObjectNode body = DjangoRoute.MAINTENANCE.newBody().put("enabled", enabled).put("reason", reason)
                .put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issuedAt));
        HttpResult r = post(DjangoRoute.MAINTENANCE, body);
        if (r.status() / 100 != 2) {
            throw new DjangoCallFailed("Django answered " + r.status() + " to POST " + DjangoRoute.MAINTENANCE + ": "
                    + detail(r.body()), r.status());
        }
        Optional<JsonNode> answer = parse(r.body());
        return new MaintenanceState(answer.map(a -> a.path("enabled").asBoolean(enabled)).orElse(enabled),
                answer.map(a -> a.path("reason").asText(reason)).orElse(reason),
                answer.map(a -> a.get("changed_at")).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null));
    }

    /**
     * Asks Django to write, read back and delete a probe row. Django answers 200 {"ok": true, …} or 503 {"ok": false,
     * "error", "message"}; the latter is {@link VerifyWritesFailed}, any other failure {@link DjangoCallFailed}.
     */
    public Map<String, Object> verifyWrites(Optional<String> database) {
        ObjectNode body = DjangoRoute.VERIFY_WRITES.newBody();
        database.ifPresent(d -> body.put("database", d));
        HttpResult r = post(DjangoRoute.VERIFY_WRITES, body);
        Optional<JsonNode> answer = parse(r.body());
        Optional<JsonNode> ok = answer.map(a -> a.get("ok")).filter(JsonNode::isBoolean);
        if (r.status() / 100 == 2 && ok.isPresent() && ok.get().booleanValue()) {
            return Json.toMap(answer.get());
        }
        if (ok.isPresent() && !ok.get().booleanValue()) {
            JsonNode a = answer.get();
            throw new VerifyWritesFailed("database " + a.path("database").asText("?") + " did not take a write: "
                    + a.path("error").asText("unknown") + " " + detail(a.path("message").asText("")));
        }
        throw new DjangoCallFailed("Django answered " + r.status() + " to POST " + DjangoRoute.VERIFY_WRITES + ": "
                + detail(r.body()), r.status());
    }

    private HttpResult post(DjangoRoute route, ObjectNode body) {
        try {
            return django.post(route, body, callIds.get(), 1, timeout);
        } catch (IOException e) {
            throw new DjangoCallFailed("cannot reach Django for POST " + route + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + detail(e.getMessage())), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjangoCallFailed("interrupted while calling Django for POST " + route, 0);
        }
    }

    private static Optional<JsonNode> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String detail(String text) {
        return HttpOutcomes.oneLine(text, MAX_DETAIL_CHARS);
    }
}
