package dev.outrigger.local.schedules;

import java.time.Duration;

/** What the original scheduler was told: a wall-clock cron pattern, or a fixed interval (Celery timedelta/seconds). */
public sealed interface ScheduleSource {
    record Cron(CronSpec spec) implements ScheduleSource {
    }

    record Interval(Duration every) implements ScheduleSource {
    }
}
