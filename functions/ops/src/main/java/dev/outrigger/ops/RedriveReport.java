package dev.outrigger.ops;

import java.util.List;
import java.util.Map;

/**
 * What a redrive did (or, with dryRun, would do). Times are RFC 3339 strings (JSON-ready).
 *
 * @param mode      "filtered" (message by message), "move-task" (SQS StartMessageMoveTask), "status", "cancel"
 * @param moved     sent to their queue and deleted from the DLQ (dry run: would be)
 * @param refused   matched but left in the DLQ on purpose (redrive limit, unknown source queue)
 * @param failed    matched but not completed; {@code Failed.duplicated} when it reached the queue yet is still in the DLQ
 * @param complete  false when the run stopped at the time budget; running it again continues
 * @param inFlightAtStart messages another reader held when the run began (SQS's ApproximateNumberOfMessagesNotVisible):
 *                  a filtered run could not see them, so a job among them was neither moved nor refused; null when
 *                  not read (status, cancel)
 */
public record RedriveReport(String mode, boolean dryRun, String queue, String actor, String at, Map<String, Object> filter,
                            int scanned, int matched, List<Moved> moved, List<Refused> refused, List<Failed> failed,
                            boolean complete, String stopReason, Integer inFlightAtStart, List<MoveTask> moveTasks,
                            String auditError) {

    public record Moved(String jobId, String jobType, String error, String destination, int redriveCount) {
    }

    public record Refused(String jobId, String jobType, String error, int redriveCount, String reason) {
    }

    public record Failed(String jobId, String reason, boolean duplicated) {
    }

    /** One SQS message move task (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasksResultEntry.html). */
    public record MoveTask(String taskHandle, String status, String sourceArn, String destinationArn, Long approximateMoved,
                           Long approximateToMove, Integer maxPerSecond, String failureReason, String startedAt) {
    }

    public List<String> movedJobIds() {
        return moved.stream().map(Moved::jobId).toList();
    }

    /** What the CLI prints. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        switch (mode) {
            case "status", "cancel" -> {
                b.append(mode.equals("cancel") ? "Cancelled move task(s) on " : "Move tasks on ").append(queue).append('\n');
                if (moveTasks.isEmpty()) {
                    b.append("none\n");
                }
                moveTasks.forEach(t -> b.append(taskLine(t)));
                return b.toString();
            }
            case "move-task" -> {
                b.append(dryRun ? "DRY RUN: would start" : "Started").append(" an SQS move task for ").append(queue);
                b.append(" (~").append(matched).append(" message(s))\n");
                moveTasks.forEach(t -> b.append(taskLine(t)));
                if (!dryRun) {
                    b.append("follow it with: outrigger dlq redrive --queue ").append(queue).append(" --status\n");
                }
            }
            default -> {
                String verb = dryRun ? "would move" : "moved";
                b.append(dryRun ? "DRY RUN - nothing was moved\n" : "");
                b.append(String.format("%s: read %d, matched %d, %s %d, refused %d, failed %d%s%n", queue, scanned, matched,
                        verb, moved.size(), refused.size(), failed.size(), filter.isEmpty() ? "" : "  filter " + filter));
                for (Moved m : moved) {
                    b.append(String.format("  %-5s %s  %-16s %-26s -> %s (redrive #%d)%n", dryRun ? "would" : "moved", m.jobId(),
                            m.jobType(), m.error(), m.destination(), m.redriveCount()));
                }
                for (Refused r : refused) {
                    b.append(String.format("  refused %s  %-16s %-26s %s%n", r.jobId(), r.jobType(), r.error(), r.reason()));
                }
                for (Failed f : failed) {
                    b.append(String.format("  FAILED %s  %s%s%n", f.jobId(), f.reason(),
                            f.duplicated() ? " (it reached its queue and is still in the DLQ: a harmless duplicate)" : ""));
                }
                if (!complete) {
                    b.append("stopped at ").append(stopReason).append(": run the same command again to continue\n");
                }
                if (DlqSummary.inFlightNote(inFlightAtStart) != null) {
                    b.append("note: ").append(DlqSummary.inFlightNote(inFlightAtStart)).append('\n');
                }
            }
        }
        if (auditError != null) {
            b.append("warning: audit event not published: ").append(auditError).append('\n');
        }
        return b.toString();
    }

    private static String taskLine(MoveTask t) {
        return String.format("  %s  %s -> %s  moved %s of %s%s%s%n", t.status(), t.sourceArn(),
                t.destinationArn() == null ? "(original source queues)" : t.destinationArn(),
                t.approximateMoved() == null ? "?" : t.approximateMoved(), t.approximateToMove() == null ? "?" : t.approximateToMove(),
                t.taskHandle() == null ? "" : "  handle " + t.taskHandle(), t.failureReason() == null ? "" : "  failure: " + t.failureReason());
    }
}
