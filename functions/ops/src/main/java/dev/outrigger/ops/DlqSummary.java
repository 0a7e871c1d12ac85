package dev.outrigger.ops;

import java.util.List;
import java.util.Map;

/**
 * A DLQ summarised by job type and error. Times are RFC 3339 strings (JSON-ready).
 *
 * @param approximateTotal SQS's ApproximateNumberOfMessages before the scan (visible messages only)
 * @param approximateInFlight SQS's ApproximateNumberOfMessagesNotVisible before the scan: held by another reader at
 *                         that moment (see {@link DlqScanner.Result}), so not in these counts
 * @param complete         false when the scan stopped at the limit or the time budget: counts are a sample
 * @param groups           largest first
 */
public record DlqSummary(String queue, Integer approximateTotal, Integer approximateInFlight, int scanned, boolean complete, String stopReason,
                         List<Group> groups, Map<String, Integer> byType, Map<String, Integer> byError,
                         String oldestFailedAt, String newestFailedAt, int releaseFailures) {

    /**
     * @param redriveCounts how many messages of the group were redriven 0, 1, 2… times before
     * @param sqsMoved      how many of them SQS moved by itself (no worker reason)
     */
    public record Group(String jobType, String error, int count, String oldestFailedAt, String newestFailedAt,
                        List<String> sampleJobIds, Integer minAttempts, Integer maxAttempts,
                        Map<Integer, Integer> redriveCounts, String sampleErrorMessage, int sqsMoved) {
    }

    /** Why the counts may be short, or null: messages another reader held while this one read. */
    public String inFlightNote() {
        return inFlightNote(approximateInFlight);
    }

    static String inFlightNote(Integer inFlight) {
        if (inFlight == null || inFlight == 0) {
            return null;
        }
        return "~" + inFlight + " message(s) were held by another reader (a redrive or inspect at the same time, an "
                + "alarm notification's summary) and are not counted; they are visible again when that reader is done: read again "
                + "in a moment";
    }

    /** A table for people. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("DLQ ").append(Queues.name(queue)).append(": ").append(scanned).append(" message(s) read");
        if (approximateTotal != null) {
            b.append(" (SQS counts ~").append(approximateTotal).append(" visible)");
        }
        if (!complete) {
            b.append(" - partial, stopped at ").append(stopReason).append("; raise --limit to read more");
        }
        b.append('\n');
        if (inFlightNote() != null) {
            b.append("note: ").append(inFlightNote()).append('\n');
        }
        if (scanned == 0) {
            return b.append("empty\n").toString();
        }
        b.append("oldest failure ").append(oldestFailedAt).append(", newest ").append(newestFailedAt).append("\n\n");
        b.append(String.format("%6s  %-22s  %-28s  %-9s  %-8s  %-24s  %-24s  %s%n",
                "COUNT", "TYPE", "ERROR", "ATTEMPTS", "REDRIVES", "OLDEST", "NEWEST", "SAMPLE JOB IDS"));
        for (Group g : groups) {
            String attempts = g.minAttempts() == null ? "-" : g.minAttempts().equals(g.maxAttempts())
                    ? g.minAttempts().toString() : g.minAttempts() + "-" + g.maxAttempts();
            String redrives = g.redriveCounts().entrySet().stream().filter(e -> e.getKey() > 0)
                    .map(e -> e.getKey() + "x" + e.getValue()).reduce((x, y) -> x + "," + y).orElse("0");
            b.append(String.format("%6d  %-22s  %-28s  %-9s  %-8s  %-24s  %-24s  %s%n", g.count(), cut(g.jobType(), 22),
                    cut(g.error(), 28), attempts, redrives, g.oldestFailedAt(), g.newestFailedAt(), String.join(" ", g.sampleJobIds())));
            if (g.sampleErrorMessage() != null) {
                b.append("        e.g. ").append(cut(g.sampleErrorMessage().replace('\n', ' '), 150)).append('\n');
            }
        }
        if (releaseFailures > 0) {
            b.append("note: ").append(releaseFailures).append(" message(s) could not be made visible again at once; "
                    + "they reappear within 30 s by themselves\n");
        }
        return b.toString();
    }

    static String cut(String s, int n) {
        if (s == null) {
            return "-";
        }
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
