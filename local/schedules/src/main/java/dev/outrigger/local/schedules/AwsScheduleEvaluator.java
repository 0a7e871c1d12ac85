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

    /**
     * A schedule's StartDate and EndDate, either null. AWS calls them the date "after which the schedule can begin
     * invoking its target" and "before which the schedule can invoke its target"
     * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html); this takes StartDate as
     * inclusive and EndDate as exclusive, and a rate counts from StartDate. A one-time at() schedule ignores both, as
     * Scheduler does.
     */
    public record Window(Instant start, Instant end) {
        public static final Window NONE = new Window(null, null);

        public Window {
            if (start != null && end != null && !start.isBefore(end)) {
                throw new IllegalArgumentException("StartDate " + start + " must be before EndDate " + end);
            }
        }
    }

    /** Fire instants in (from, to] within the schedule's StartDate/EndDate window. */
    static List<Instant> fireTimes(AwsSchedule schedule, ZoneId zone, Instant from, Instant to, Instant rateAnchor, Window window) {
        if (schedule instanceof AwsSchedule.At) {
            return fireTimes(schedule, zone, from, to, rateAnchor);
        }
        List<Instant> out = new ArrayList<>();
        for (Instant i : fireTimes(schedule, zone, lowerBound(from, window), to, anchor(rateAnchor, window))) {
            if (window.end() == null || i.isBefore(window.end())) {
                out.add(i);
            }
        }
        return out;
    }

    /** The first fire instant strictly after {@code after} within the StartDate/EndDate window, or null. */
    public static Instant next(AwsSchedule schedule, ZoneId zone, Instant after, Instant rateAnchor, Window window) {
        if (schedule instanceof AwsSchedule.At) {
            return next(schedule, zone, after, rateAnchor);
        }
        Instant n = next(schedule, zone, lowerBound(after, window), anchor(rateAnchor, window));
        return n == null || window.end() == null || n.isBefore(window.end()) ? n : null;
    }

    /** Just before StartDate when that is later: StartDate itself may fire. */
    private static Instant lowerBound(Instant after, Window window) {
        return window.start() != null && window.start().isAfter(after) ? window.start().minusNanos(1) : after;
    }

    private static Instant anchor(Instant rateAnchor, Window window) {
        return window.start() != null ? window.start() : rateAnchor;
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
