package dev.outrigger.cutover;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@link MaintenanceToggleHandler}'s input {"enabled": true|false, "reason": "…", "issued_at": "<RFC 3339>"}, checked.
 *
 * @param issuedAt when the call was issued: the input's issued_at, or now for an input without one (a manual invoke)
 */
public record MaintenanceRequest(boolean enabled, String reason, Instant issuedAt) {
    /** The input as the state machine sends it; {@code clock} dates an input that carries no issued_at. */
    public static MaintenanceRequest from(Map<String, Object> input, Clock clock) {
        Object enabled = input == null ? null : input.get("enabled");
        if (!(enabled instanceof Boolean on)) {
            throw new IllegalArgumentException("input.enabled must be true or false, got " + enabled);
        }
        Object reason = input.getOrDefault("reason", "");
        if (!(reason instanceof String text)) {
            throw new IllegalArgumentException("input.reason must be a string");
        }
        Object issued = input.get("issued_at");
        Instant issuedAt;
        if (issued == null) {
            issuedAt = clock.instant();
        } else {
            try {
                issuedAt = OffsetDateTime.parse(String.valueOf(issued)).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("input.issued_at must be an RFC 3339 time such as $$.State.EnteredTime, got " + issued);
            }
        }
        return new MaintenanceRequest(on, text, issuedAt);
    }
}
