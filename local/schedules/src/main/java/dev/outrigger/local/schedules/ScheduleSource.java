package dev.outrigger.local.schedules;

import java.time.Duration;
import java.time.Instant;

/**
 * What the original scheduler was told: a wall-clock cron pattern, a fixed interval (Celery timedelta/seconds), or
 * one instant (django-celery-beat's ClockedSchedule).
 */
public sealed interface ScheduleSource {
    record Cron(CronSpec spec) implements ScheduleSource {
    }

    record Interval(Duration every) implements ScheduleSource {
    }

    record Clocked(Instant when) implements ScheduleSource {
    }
}
