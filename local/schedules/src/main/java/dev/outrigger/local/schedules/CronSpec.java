package dev.outrigger.local.schedules;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A five-field wall-clock schedule (minute, hour, day of month, month, day of week with 0 = Sunday), as masks.
 *
 * <p>How the two day fields combine depends on who reads it ({@link DayRule}):
 * <ul>
 *   <li>Vixie cron / cronie ({@code entry.c}, {@code cron.c:find_jobs}): if either day field's text starts with
 *       '*' the day must match both fields (AND), otherwise either field (OR). So {@code 0 0 1,15 * MON} runs on
 *       the 1st, the 15th and every Monday, while {@code 0 0 *}{@code /2 * MON} runs on odd-numbered Mondays only.</li>
 *   <li>Celery's {@code crontab}: always AND ({@code celery.schedules.crontab.remaining_delta} checks
 *       {@code day in day_of_month and dow in day_of_week}).</li>
 * </ul>
 *
 * @param minuteStar Vixie's MIN_STAR: the minute field began with '*' (with hourStar this makes a "wildcard" job,
 *                   which cron treats differently at DST changes, see {@link VixieCronEvaluator})
 */
record CronSpec(long minutes, long hours, long daysOfMonth, long months, long daysOfWeek,
                boolean minuteStar, boolean hourStar, boolean domStar, boolean dowStar, DayRule dayRule) {

    enum DayRule { VIXIE, CELERY }

    static final long ALL_MINUTES = CronField.full(CronField.Kind.MINUTE);
    static final long ALL_HOURS = CronField.full(CronField.Kind.HOUR);
    static final long ALL_DOM = CronField.full(CronField.Kind.DAY_OF_MONTH);
    static final long ALL_MONTHS = CronField.full(CronField.Kind.MONTH);
    static final long ALL_DOW = CronField.full(CronField.Kind.DAY_OF_WEEK);

    /** Parses the five fields of a Unix crontab line (no macros). */
    static CronSpec unix(String minute, String hour, String dom, String month, String dow) {
        CronField.Parsed mi = field("minute", minute, CronField.Kind.MINUTE);
        CronField.Parsed h = field("hour", hour, CronField.Kind.HOUR);
        CronField.Parsed d = field("day of month", dom, CronField.Kind.DAY_OF_MONTH);
        CronField.Parsed mo = field("month", month, CronField.Kind.MONTH);
        CronField.Parsed w = field("day of week", dow, CronField.Kind.DAY_OF_WEEK);
        return new CronSpec(mi.mask(), h.mask(), d.mask(), mo.mask(), w.mask(), mi.star(), h.star(), d.star(),
                w.star(), DayRule.VIXIE);
    }

    private static CronField.Parsed field(String name, String text, CronField.Kind kind) {
        return CronField.parse(text, kind);
    }

    /** Vixie: the job is a "wildcard" job (MIN_STAR or HR_STAR), see cron.c's doWild/doNonWild. */
    boolean wildcard() {
        return minuteStar || hourStar;
    }

    boolean matchesDay(LocalDate d) {
        if ((months & (1L << d.getMonthValue())) == 0) {
            return false;
        }
        boolean domOk = (daysOfMonth & (1L << d.getDayOfMonth())) != 0;
        boolean dowOk = (daysOfWeek & (1L << (d.getDayOfWeek().getValue() % 7))) != 0;
        if (dayRule == DayRule.CELERY || domStar || dowStar) {
            return domOk && dowOk;
        }
        return domOk || dowOk;
    }

    boolean matchesTime(int hour, int minute) {
        return (hours & (1L << hour)) != 0 && (minutes & (1L << minute)) != 0;
    }

    boolean matches(LocalDateTime t) {
        return matchesTime(t.getHour(), t.getMinute()) && matchesDay(t.toLocalDate());
    }

    /** The first matching wall minute strictly after {@code t} (seconds ignored), searching at most ~5 years. */
    LocalDateTime nextMatch(LocalDateTime t) {
        return WallClockSearch.nextMatch(t, t.plusMinutes(1).toLocalDate().plusYears(5), this::matchesDay, d -> d.plusDays(1), hours, minutes);
    }
}
