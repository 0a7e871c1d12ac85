package dev.outrigger.ops;

import java.util.List;
import java.util.Map;

/**
 * Who moved which jobs out of a DLQ, when and why: one per redrive (and per move task start or cancel).
 *
 * @param jobIds the moved jobs (all of them; a 1,000-job redrive is about 40 KB, below SNS's 256 KB)
 */
public record AuditRecord(String event, String action, String actor, String at, String queue, Map<String, Object> filter,
                          boolean dryRun, int matched, int moved, int refused, int failed, List<String> jobIds,
                          List<String> destinations, String moveTaskHandle) {
    public static final String EVENT = "outrigger.dlq.redrive";

    static AuditRecord of(String action, RedriveReport r) {
        List<String> destinations = r.moved().stream().map(RedriveReport.Moved::destination).distinct().sorted().toList();
        String handle = r.moveTasks().isEmpty() ? null : r.moveTasks().get(0).taskHandle();
        if (!r.moveTasks().isEmpty() && r.moveTasks().get(0).destinationArn() != null) {
            destinations = List.of(r.moveTasks().get(0).destinationArn());
        }
        return new AuditRecord(EVENT, action, r.actor(), r.at(), r.queue(), r.filter(), r.dryRun(), r.matched(),
                r.moved().size(), r.refused().size(), r.failed().size(), r.movedJobIds(), destinations, handle);
    }
}
