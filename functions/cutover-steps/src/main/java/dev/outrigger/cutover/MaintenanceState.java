package dev.outrigger.cutover;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Django's maintenance mode after a switch, as {@link MaintenanceToggleHandler} returns it:
 * {"enabled", "reason", "changed_at"}, changed_at only when Django sent one.
 */
public record MaintenanceState(boolean enabled, String reason,
                               @JsonProperty("changed_at") @JsonInclude(JsonInclude.Include.NON_NULL) String changedAt) {
}
