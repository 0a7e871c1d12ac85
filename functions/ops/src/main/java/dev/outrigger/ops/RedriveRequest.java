package dev.outrigger.ops;

import java.time.Duration;

/**
 * A redrive: from {@code dlqUrl}, the messages {@code filter} matches.
 *
 * @param destinationUrl --to: send here instead of each message's source queue (null: the source queue)
 * @param max            move at most this many (null: no limit)
 * @param ratePerSecond  at most this many sends per second (null: as fast as SQS answers)
 * @param maxRedrives    a job already redriven this many times is refused and left in the DLQ
 * @param all            move message by message even without a filter (keeps history, honours the limit)
 * @param actor          who asked, for the audit record
 * @param timeBudget     stop after this long (the report says so; running again continues)
 */
public record RedriveRequest(String dlqUrl, RedriveFilter filter, String destinationUrl, Integer max, Double ratePerSecond,
                             boolean dryRun, int maxRedrives, boolean all, String actor, Duration timeBudget) {
    public static final int DEFAULT_MAX_REDRIVES = 3;
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofMinutes(10);

    public RedriveRequest {
        filter = filter == null ? RedriveFilter.NONE : filter;
        timeBudget = timeBudget == null ? DEFAULT_TIME_BUDGET : timeBudget;
        if (max != null && max < 1) {
            throw new IllegalArgumentException("--max must be at least 1, got " + max);
        }
        if (ratePerSecond != null && !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("--rate must be above 0 per second, got " + ratePerSecond);
        }
        if (maxRedrives < 1) {
            throw new IllegalArgumentException("--max-redrives must be at least 1, got " + maxRedrives);
        }
    }

    public static RedriveRequest of(String dlqUrl, RedriveFilter filter) {
        return new RedriveRequest(dlqUrl, filter, null, null, null, false, DEFAULT_MAX_REDRIVES, false, "test", null);
    }

    /** Message by message (with filters, --all, --max or --job-id); otherwise an SQS move task. */
    public boolean perMessage() {
        return !filter.isEmpty() || all || max != null;
    }

    public RedriveRequest withDryRun(boolean dry) {
        return new RedriveRequest(dlqUrl, filter, destinationUrl, max, ratePerSecond, dry, maxRedrives, all, actor, timeBudget);
    }

    public RedriveRequest withMaxRedrives(int n) {
        return new RedriveRequest(dlqUrl, filter, destinationUrl, max, ratePerSecond, dryRun, n, all, actor, timeBudget);
    }

    public RedriveRequest withMax(Integer n) {
        return new RedriveRequest(dlqUrl, filter, destinationUrl, n, ratePerSecond, dryRun, maxRedrives, all, actor, timeBudget);
    }

    public RedriveRequest withRate(Double perSecond) {
        return new RedriveRequest(dlqUrl, filter, destinationUrl, max, perSecond, dryRun, maxRedrives, all, actor, timeBudget);
    }

    public RedriveRequest withAll(boolean a) {
        return new RedriveRequest(dlqUrl, filter, destinationUrl, max, ratePerSecond, dryRun, maxRedrives, a, actor, timeBudget);
    }

    public RedriveRequest withDestination(String url) {
        return new RedriveRequest(dlqUrl, filter, url, max, ratePerSecond, dryRun, maxRedrives, all, actor, timeBudget);
    }
}
