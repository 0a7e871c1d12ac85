package dev.outrigger.local.schedules;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The next-fire search both cron dialects share (Vixie {@link CronSpec}, EventBridge {@link AwsSchedule}): wall-clock
 * minutes, days chosen by a predicate, hours and minutes as bit masks (bit n set = hour or minute n matches).
 */
final class WallClockSearch {
    private WallClockSearch() {
    }

    /**
     * The first matching wall minute strictly after {@code after} (seconds ignored), or null if none by {@code lastDay}.
     *
     * @param nextCandidateDay given a day that does not match, the next day worth trying (at least the day after)
     */
    static LocalDateTime nextMatch(LocalDateTime after, LocalDate lastDay, Predicate<LocalDate> matchesDay,
                                   UnaryOperator<LocalDate> nextCandidateDay, long hours, long minutes) {
        LocalDateTime c = after.withSecond(0).withNano(0).plusMinutes(1);
        while (!c.toLocalDate().isAfter(lastDay)) {
            LocalDate day = c.toLocalDate();
            if (!matchesDay.test(day)) {
                c = nextCandidateDay.apply(day).atStartOfDay();
                continue;
            }
            long h = hours >>> c.getHour();
            if (h == 0) {
                c = day.plusDays(1).atStartOfDay();
                continue;
            }
            int hour = c.getHour() + Long.numberOfTrailingZeros(h);
            int fromMinute = hour == c.getHour() ? c.getMinute() : 0;
            long m = fromMinute > 63 ? 0 : minutes >>> fromMinute;
            if (m == 0) {
                c = hour == 23 ? day.plusDays(1).atStartOfDay() : day.atTime(hour + 1, 0);
                continue;
            }
            return day.atTime(hour, fromMinute + Long.numberOfTrailingZeros(m));
        }
        return null;
    }
}
