package dev.outrigger.local.schedules;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * When Vixie cron (and cronie, its maintained fork on Debian/RHEL) runs a crontab entry, DST changes included.
 *
 * <p>This replays the main loop of cron.c: cron wakes each minute, computes {@code timeRunning} (local wall
 * minutes) and compares it with {@code virtualTime} (the last minute it processed):
 * <ul>
 *   <li>diff 1: normal, run every job matching timeRunning;</li>
 *   <li>diff 2..5 ("small", woke late): run every job for each missed minute, all right now;</li>
 *   <li>diff 6..180 ("medium", e.g. spring forward by an hour): run wildcard jobs matching timeRunning, then
 *       fixed-time jobs for each skipped minute, all right now;</li>
 *   <li>diff -180..0 ("negative", fall back): run only wildcard jobs, and leave virtualTime until the clock has
 *       caught up, so fixed-time jobs do not run again in the repeated hour;</li>
 *   <li>more than 3 hours either way: treated as a clock correction, jump and run what matches now.</li>
 * </ul>
 * A "wildcard" job is one whose minute or hour field begins with '*' (MIN_STAR|HR_STAR). The cron(8) man page
 * says the same in prose: "Local time changes of less than three hours, such as those caused by the start or
 * end of Daylight Saving Time, are handled specially. This only applies to jobs that run at a specific time and
 * jobs that are run with a granularity greater than one hour. [...] If time has moved forward, those jobs that
 * would have run in the interval that has been skipped will be run immediately. Conversely, if time has moved
 * backward, care is taken to avoid running jobs twice."
 *
 * <p>So, for a one-hour change at 02:00: {@code 30 2 * * *} runs at 03:00 on the spring-forward day and once on
 * the fall-back day; {@code *}{@code /15 * * * *} skips 02:00-02:45 in spring and runs them twice in autumn.
 */
final class VixieCronEvaluator {
    private VixieCronEvaluator() {
    }

    /** Fire instants in (from, to]. A job due for several skipped minutes appears once per minute, at the change. */
    static List<Instant> fireTimes(CronSpec spec, ZoneId zone, Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        long toMin = Math.floorDiv(to.getEpochSecond(), 60);
        long cur = Math.floorDiv(from.getEpochSecond(), 60); // real minute, already processed
        long virtual = cur + offsetMinutes(rules, cur);      // wall minute, already processed
        boolean wild = spec.wildcard();
        List<Instant> out = new ArrayList<>();
        ZoneOffsetTransition tr = null;
        long tn = Long.MIN_VALUE;
        long offset = 0;
        while (true) {
            if (tn <= cur) { // (re)compute the next transition and the current offset only when passing one
                tr = rules.nextTransition(Instant.ofEpochSecond(cur * 60));
                tn = tr == null ? Long.MAX_VALUE : Math.floorDiv(tr.getInstant().getEpochSecond(), 60);
                offset = offsetMinutes(rules, cur);
            }
            LocalDateTime m = spec.nextMatch(wall(virtual));
            long mReal = m == null ? Long.MAX_VALUE : minutes(m) - offset;
            if (mReal < tn) {
                if (mReal > toMin) {
                    return out;
                }
                out.add(Instant.ofEpochSecond(mReal * 60));
                cur = mReal;
                virtual = minutes(m);
                continue;
            }
            if (tn > toMin) {
                return out;
            }
            // The clock changes at real minute tn: cron last processed wall minute v, now reads `running`.
            long v = tn - 1 + offset;
            long running = tn + tr.getOffsetAfter().getTotalSeconds() / 60;
            long diff = running - v;
            Instant at = Instant.ofEpochSecond(tn * 60);
            if (diff > 180 || diff < -180) {
                addIf(out, spec.matches(wall(running)), at);
                cur = tn;
                virtual = running;
            } else if (diff > 5) {
                addIf(out, wild && spec.matches(wall(running)), at);
                if (!wild) {
                    for (long w = v + 1; w <= running; w++) {
                        addIf(out, spec.matches(wall(w)), at);
                    }
                }
                cur = tn;
                virtual = running;
            } else if (diff > 0) {
                for (long w = v + 1; w <= running; w++) {
                    addIf(out, spec.matches(wall(w)), at);
                }
                cur = tn;
                virtual = running;
            } else {
                long real = tn;
                for (long r = running; r <= v; r++, real++) {
                    if (real > toMin) {
                        return out;
                    }
                    addIf(out, wild && spec.matches(wall(r)), Instant.ofEpochSecond(real * 60));
                }
                // The clock reads v + 1 at minute `real`: back to normal from there.
                cur = real - 1;
                virtual = v;
            }
        }
    }

    private static void addIf(List<Instant> out, boolean cond, Instant at) {
        if (cond) {
            out.add(at);
        }
    }

    private static long offsetMinutes(ZoneRules rules, long epochMinute) {
        ZoneOffset o = rules.getOffset(Instant.ofEpochSecond(epochMinute * 60));
        return o.getTotalSeconds() / 60;
    }

    private static LocalDateTime wall(long wallMinute) {
        return LocalDateTime.ofEpochSecond(wallMinute * 60, 0, ZoneOffset.UTC);
    }

    private static long minutes(LocalDateTime wall) {
        return wall.toEpochSecond(ZoneOffset.UTC) / 60;
    }
}
