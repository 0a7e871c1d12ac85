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
 * An interval (timedelta or seconds) fires every period after beat starts: anchor + k * period, k >= 1.
 */
final class CeleryScheduleEvaluator {
    private CeleryScheduleEvaluator() {
    }

    static List<Instant> fireTimes(ScheduleSource source, ZoneId zone, Instant from, Instant to, Instant anchor) {
        List<Instant> out = new ArrayList<>();
        switch (source) {
            case ScheduleSource.Interval i -> {
                long p = i.every().toSeconds();
                long k = from.isBefore(anchor) ? 1 : (from.getEpochSecond() - anchor.getEpochSecond()) / p + 1;
                for (Instant t = anchor.plusSeconds(k * p); !t.isAfter(to); t = t.plusSeconds(p)) {
                    if (t.isAfter(from)) {
                        out.add(t);
                    }
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
