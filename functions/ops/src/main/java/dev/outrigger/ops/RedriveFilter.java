package dev.outrigger.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which dead letters a redrive moves. Every given criterion must hold; within one criterion any listed value
 * matches. Times compare with the failure time (the worker's outrigger-failed-at; for SQS-moved messages the
 * original send time).
 *
 * @param olderThan failed before this instant (from --older-than 2h: now - 2h)
 * @param newerThan failed after this instant
 * @param jobIds    job ids (or SQS message ids, for bodies without one)
 */
public record RedriveFilter(Set<String> types, Set<String> errors, Instant olderThan, Instant newerThan, Set<String> jobIds) {
    public static final RedriveFilter NONE = new RedriveFilter(Set.of(), Set.of(), null, null, Set.of());

    public RedriveFilter {
        types = types == null ? Set.of() : Set.copyOf(types);
        errors = errors == null ? Set.of() : Set.copyOf(errors);
        jobIds = jobIds == null ? Set.of() : Set.copyOf(jobIds);
    }

    public boolean isEmpty() {
        return types.isEmpty() && errors.isEmpty() && olderThan == null && newerThan == null && jobIds.isEmpty();
    }

    public boolean matches(DeadLetter m) {
        if (!types.isEmpty() && !types.contains(m.jobType())) {
            return false;
        }
        if (!errors.isEmpty() && !errors.contains(m.error())) {
            return false;
        }
        if (olderThan != null && (m.failedAt() == null || !m.failedAt().isBefore(olderThan))) {
            return false;
        }
        if (newerThan != null && (m.failedAt() == null || !m.failedAt().isAfter(newerThan))) {
            return false;
        }
        return jobIds.isEmpty() || jobIds.contains(m.jobId()) || jobIds.contains(m.messageId())
                || jobIds.contains("sqs:" + m.messageId());
    }

    /** For reports and the audit record. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!types.isEmpty()) {
            out.put("type", types.stream().sorted().toList());
        }
        if (!errors.isEmpty()) {
            out.put("error", errors.stream().sorted().toList());
        }
        if (olderThan != null) {
            out.put("failedBefore", olderThan.toString());
        }
        if (newerThan != null) {
            out.put("failedAfter", newerThan.toString());
        }
        if (!jobIds.isEmpty()) {
            out.put("jobId", jobIds.stream().sorted().toList());
        }
        return out;
    }
}
