package dev.outrigger.local.template;

import java.util.Map;

/**
 * Any resource of the template with its Properties resolved (Globals merged for functions).
 *
 * @param properties null for a not-emulated resource whose properties could not be resolved locally
 * @param note       why a not-emulated resource's properties are missing, else null
 */
public record ResourceDef(String logicalId, String type, Map<String, Object> properties, int line, String note) {
}
