package dev.outrigger.ops;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@link DlqRedriveHandler} input, checked: {"action": inspect|show|redrive|status|cancel, "queue": …, filters…}.
 * Values are read as leniently as an operator types them: numbers and booleans as JSON or as text, lists as JSON
 * arrays or comma-separated text. The filters and limits of a redrive are read only for a redrive.
 *
 * @param queue       a DLQ or jobs queue name, URL or ARN, resolved by {@link OpsService#dlqUrl}
 * @param jobId       the job that {@code show} describes
 * @param jobIds      the same field as a redrive filter: one id, a list or comma-separated ids
 * @param olderThan   as given ("2h", an RFC 3339 time): {@link TimeSpec} reads it against the service's clock
 * @param to          --to: a queue name, URL or ARN (null: each message's source queue)
 * @param requestedBy who the caller says they are, for the audit (null: not said)
 */
public record DlqOpsRequest(Action action, String queue, int limit, String jobId, Set<String> types, Set<String> errors,
                            String olderThan, String newerThan, Set<String> jobIds, String to, Integer max, Double rate,
                            boolean dryRun, int maxRedrives, boolean all, String requestedBy) {

    public enum Action { INSPECT, SHOW, REDRIVE, STATUS, CANCEL }

    public static DlqOpsRequest from(Map<String, Object> in) {
        String actionName = string(in, "action", "inspect");
        String queue = string(in, "queue", null);
        if (queue == null) {
            throw new IllegalArgumentException("input field 'queue' is required (a DLQ or jobs queue name, URL or ARN)");
        }
        int limit = integer(in, "limit", DlqInspector.DEFAULT_LIMIT);
        Action action = switch (actionName) {
            case "inspect", "show", "redrive", "status", "cancel" -> Action.valueOf(actionName.toUpperCase(Locale.ROOT));
            default -> throw new IllegalArgumentException("input field 'action' must be inspect, show, redrive, status or cancel, got '"
                    + actionName + "'");
        };
        String jobId = string(in, "jobId", null);
        if (action == Action.SHOW && jobId == null) {
            throw new IllegalArgumentException("input field 'jobId' is required for action 'show'");
        }
        Integer max = null;
        Double rate = null;
        int maxRedrives = RedriveRequest.DEFAULT_MAX_REDRIVES;
        if (action == Action.REDRIVE) {
            max = in.get("max") == null ? null : integer(in, "max", 0);
            rate = rate(in.get("rate"));
            maxRedrives = integer(in, "maxRedrives", RedriveRequest.DEFAULT_MAX_REDRIVES);
        }
        Object requestedBy = in.get("requestedBy");
        return new DlqOpsRequest(action, queue, limit, jobId, strings(in, "type"), strings(in, "error"),
                string(in, "olderThan", null), string(in, "newerThan", null), strings(in, "jobId"), string(in, "to", null),
                max, rate, flag(in, "dryRun"), maxRedrives, flag(in, "all"), requestedBy == null ? null : requestedBy.toString());
    }

    private static String string(Map<String, Object> in, String key, String dflt) {
        Object v = in.get(key);
        return v == null ? dflt : v.toString();
    }

    private static int integer(Map<String, Object> in, String key, int dflt) {
        Object v = in.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input field '" + key + "' must be a whole number, got '" + v + "'");
        }
    }

    /** Messages per second: 5, "5" or "5/s". */
    private static Double rate(Object v) {
        if (v == null) {
            return null;
        }
        try {
            return v instanceof Number n ? n.doubleValue() : Double.valueOf(v.toString().replace("/s", "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input field 'rate' must be messages per second (5 or \"5/s\"), got '" + v + "'");
        }
    }

    private static boolean flag(Map<String, Object> in, String key) {
        return Boolean.parseBoolean(String.valueOf(in.getOrDefault(key, "false")));
    }

    private static Set<String> strings(Map<String, Object> in, String key) {
        Object v = in.get(key);
        if (v == null) {
            return Set.of();
        }
        if (v instanceof Collection<?> c) {
            return Set.copyOf(c.stream().map(Object::toString).toList());
        }
        return Set.copyOf(List.of(v.toString().split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
}
