package dev.outrigger.local.schedules;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * When Celery beat runs an entry. A {@code crontab} is matched on the wall clock of the beat timezone with both day
 * fields ANDed. At DST changes this follows Python's datetime rules (PEP 495, fold=0), which Celery's
 * {@code remaining_estimate} relies on: a wall time in the spring-forward gap is interpreted with the offset before
 * the change, so it fires one gap later (02:30 becomes 03:30); a repeated wall time fires once, at its first
 * occurrence. This is a model of Celery's arithmetic, not a recording of a running beat (see README).
 *
 * <p>An interval (timedelta or seconds) fires one period after the last run, k = 1, 2, ... from beat's start, but the
 * period is added on the wall clock of the beat timezone ({@code celery.utils.time.remaining}: {@code start + ends_in}
 * on an aware datetime is wall-clock arithmetic in Python), and the result is read with fold=0. So at a DST change one
 * interval is shorter or longer by the change (in Europe/Berlin a 2-hour interval from 01:00 CET on the spring-forward
 * night ends at 03:00 CEST, one hour later), and the runs after it keep that shift; in UTC this is a fixed period.
 * {@code CeleryExportEquivalenceTest} checks this model against fire times computed by real Celery.
 * A clocked time (django-celery-beat) fires once, at that instant.
 */
final class CeleryScheduleEvaluator {
    private CeleryScheduleEvaluator() {
    }

    static List<Instant> fireTimes(ScheduleSource source, ZoneId zone, Instant from, Instant to, Instant anchor) {
        List<Instant> out = new ArrayList<>();
        switch (source) {
            case ScheduleSource.Interval i -> {
                Instant last = anchor;
                while (true) {
                    LocalDateTime wall = LocalDateTime.ofInstant(last, zone).plus(i.every());
                    Instant next = ZonedDateTime.ofLocal(wall, zone, null).toInstant();
                    if (!next.isAfter(last)) {
                        // only from a start inside a repeated hour, where Celery's wall-clock sum lands before the
                        // last run (it would then run at every check until the clock catches up): not modelled
                        next = last.plus(i.every());
                    }
                    if (next.isAfter(to)) {
                        break;
                    }
                    if (next.isAfter(from)) {
                        out.add(next);
                    }
                    last = next;
                }
            }
            case ScheduleSource.Clocked c -> {
                if (c.when().isAfter(from) && !c.when().isAfter(to)) {
                    out.add(c.when());
                }
            }
            case ScheduleSource.Cron c -> {
                LocalDateTime wall = LocalDateTime.ofInstant(from, zone);
                Instant last = from;
                while (true) {
                    LocalDateTime m = c.spec().nextMatch(wall);
                    if (m == null) {
                        break;
                    }
                    // ofLocal with no preferred offset: gap -> shifted later by the gap, overlap -> earlier offset.
                    Instant i = ZonedDateTime.ofLocal(m, zone, null).toInstant();
                    if (i.isAfter(to)) {
                        break;
                    }
                    if (i.isAfter(last)) {
                        out.add(i);
                        last = i;
                    }
                    wall = m;
                }
            }
        }
        return out;
    }
}
