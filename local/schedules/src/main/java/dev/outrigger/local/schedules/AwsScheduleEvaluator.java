package dev.outrigger.local.schedules;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * When EventBridge Scheduler fires a schedule expression in a time zone. The local runtime fires with this too.
 *
 * <p>DST, as AWS documents it (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
 * and https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst): "When the time shifts forward in
 * Spring, your schedule invocation gets skipped if the cron expression falls on a non-existent date and time.
 * When the time shifts back in the Fall, your schedule runs only once and doesn't repeat its invocation."
 * So a wall time in the spring-forward gap is not fired at all, and a wall time that occurs twice is fired once.
 * AWS does not say which of the two occurrences; this evaluator fires the first (the earlier instant, the
 * pre-transition offset), an assumption noted in the README. This applies to every cron field pattern, wildcard
 * hours included: {@code cron(0/15 * * * ? *)} fires 02:00-02:45 once on a fall-back night, where cron fires them
 * twice. A rate is a fixed duration (rate(1 day) = 24 hours) from the schedule's start, unaffected by DST.
 */
public final class AwsScheduleEvaluator {
    private AwsScheduleEvaluator() {
    }

    /**
     * Fire instants in (from, to].
     *
     * @param rateAnchor when a rate schedule started (created/enabled, or its StartDate); ignored for cron and at.
     *                   EventBridge fires a rate schedule without StartDate immediately on creation, so the anchor
     *                   itself is a fire time.
     */
    static List<Instant> fireTimes(AwsSchedule schedule, ZoneId zone, Instant from, Instant to, Instant rateAnchor) {
        List<Instant> out = new ArrayList<>();
        if (schedule instanceof AwsSchedule.Cron c) {
            // Walk wall times directly (same rules as next(), without re-deriving the wall time per fire).
            LocalDateTime wall = LocalDateTime.ofInstant(from, zone);
            while (true) {
                LocalDateTime m = c.nextMatch(wall);
                if (m == null) {
                    return out;
                }
                Instant i = resolve(m, zone);
                if (i != null && i.isAfter(to)) {
                    return out;
                }
                if (i != null && i.isAfter(from) && (out.isEmpty() || i.isAfter(out.getLast()))) {
                    out.add(i);
                }
                wall = m;
            }
        }
        Instant t = from;
        while (true) {
            Instant next = next(schedule, zone, t, rateAnchor);
            if (next == null || next.isAfter(to)) {
                return out;
            }
            out.add(next);
            t = next;
        }
    }

    /** The first fire instant strictly after {@code after}, or null if there is none. */
    public static Instant next(AwsSchedule schedule, ZoneId zone, Instant after, Instant rateAnchor) {
        return switch (schedule) {
            case AwsSchedule.Rate r -> {
                if (after.isBefore(rateAnchor)) {
                    yield rateAnchor;
                }
                long periodS = r.every().toSeconds();
                long k = (after.getEpochSecond() - rateAnchor.getEpochSecond()) / periodS + 1;
                yield rateAnchor.plusSeconds(k * periodS);
            }
            case AwsSchedule.At a -> {
                Instant at = resolve(a.when(), zone);
                yield at != null && at.isAfter(after) ? at : null;
            }
            case AwsSchedule.Cron c -> {
                LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
                // Inside a repeated hour the wall clock reads the same minutes twice; continue from the first reading
                // so a time already fired at its first occurrence is not fired again.
                while (true) {
                    LocalDateTime m = c.nextMatch(wall);
                    if (m == null) {
                        yield null;
                    }
                    Instant i = resolve(m, zone);
                    if (i != null && i.isAfter(after)) {
                        yield i;
                    }
                    wall = m;
                }
            }
        };
    }

    /** A wall time to its instant: null in a DST gap (skipped), the earlier instant in an overlap (fired once). */
    static Instant resolve(LocalDateTime wall, ZoneId zone) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(wall);
        if (offsets.isEmpty()) {
            return null;
        }
        return ZonedDateTime.ofLocal(wall, zone, offsets.getFirst()).toInstant();
    }
}
