package dev.outrigger.local.schedules;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge Scheduler schedule expression, parsed from its text: {@code cron(min hour dom month dow year)},
 * {@code rate(n minutes|hours|days)} or {@code at(yyyy-mm-ddThh:mm:ss)}.
 *
 * <p>Rules from https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html: six fields; day of
 * week 1-7 = SUN-SAT; exactly one of day-of-month and day-of-week is {@code ?}; day of month allows
 * {@code L} (last day) and {@code nW} (weekday nearest n); day of week allows {@code nL} (last n-day of the
 * month) and {@code n#k} (k-th n-day); year 1970-2199. A rate's value is a positive integer; a rate in days is
 * 24-hour periods, not calendar days.
 */
public sealed interface AwsSchedule permits AwsSchedule.Cron, AwsSchedule.Rate, AwsSchedule.At {

    String expression();

    public static AwsSchedule parse(String expression) {
        String e = expression == null ? "" : expression.trim();
        if (e.startsWith("cron(") && e.endsWith(")")) {
            return Cron.parse(e);
        }
        if (e.startsWith("rate(") && e.endsWith(")")) {
            return Rate.parse(e);
        }
        if (e.startsWith("at(") && e.endsWith(")")) {
            try {
                return new At(e, LocalDateTime.parse(e.substring(3, e.length() - 1)));
            } catch (DateTimeParseException ex) {
                throw new IllegalArgumentException("at() expression '" + e + "' is not yyyy-mm-ddThh:mm:ss");
            }
        }
        throw new IllegalArgumentException("'" + e + "' is not cron(...), rate(...) or at(...)");
    }

    record At(String expression, LocalDateTime when) implements AwsSchedule {
    }

    record Rate(String expression, Duration every) implements AwsSchedule {
        private static final Pattern RATE = Pattern.compile("rate\\((\\d{1,9}) (minute|minutes|hour|hours|day|days)\\)");

        static Rate parse(String e) {
            Matcher m = RATE.matcher(e);
            if (!m.matches()) {
                throw new IllegalArgumentException("rate expression '" + e + "' is not rate(<positive integer> minutes|hours|days)");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2);
            if (n < 1) {
                throw new IllegalArgumentException("rate expression '" + e + "' must have a positive value");
            }
            // AWS wants the singular for 1 and the plural otherwise.
            if ((n == 1) != !unit.endsWith("s")) {
                throw new IllegalArgumentException("rate expression '" + e + "': use '" + (n == 1 ? "1 " + unit.replaceAll("s$", "") : n + " " + unit + "s") + "'");
            }
            Duration d = switch (unit.replaceAll("s$", "")) {
                case "minute" -> Duration.ofMinutes(n);
                case "hour" -> Duration.ofHours(n);
                default -> Duration.ofDays(n); // 24-hour periods, per the Scheduler docs on DST
            };
            return new Rate(e, d);
        }

        /** The rate expression for a whole number of minutes, in the largest unit that divides it. */
        static String of(Duration d) {
            long minutes = d.toMinutes();
            if (minutes < 1 || !d.equals(Duration.ofMinutes(minutes))) {
                throw new IllegalArgumentException("a rate needs a whole, positive number of minutes, got " + d);
            }
            if (minutes % 1440 == 0) {
                return unit(minutes / 1440, "day");
            }
            if (minutes % 60 == 0) {
                return unit(minutes / 60, "hour");
            }
            return unit(minutes, "minute");
        }

        private static String unit(long n, String unit) {
            return "rate(" + n + " " + unit + (n == 1 ? "" : "s") + ")";
        }
    }

    /**
     * A parsed six-field cron. {@code domAny}/{@code dowAny} mark the {@code ?} field. Days of week are stored
     * 0-6 from Sunday (AWS value minus one).
     */
    record Cron(String expression, long minutes, long hours, boolean domAny, long daysOfMonth, boolean lastDayOfMonth,
                long nearestWeekdayTo, long months, boolean dowAny, long daysOfWeek, int lastWeekdayOfMonth,
                int nthWeekday, int nth, BitSet years) implements AwsSchedule {

        static final int YEAR_MIN = 1970;
        static final int YEAR_MAX = 2199;

        static Cron parse(String e) {
            String[] f = e.substring(5, e.length() - 1).trim().split("\\s+");
            if (f.length != 6) {
                throw new IllegalArgumentException("cron expression '" + e + "' needs 6 fields (minutes hours day-of-month month day-of-week year), has " + f.length);
            }
            long minutes = mask(f[0], 0, 59, null, 0, "minutes", e);
            long hours = mask(f[1], 0, 23, null, 0, "hours", e);
            long months = mask(f[3], 1, 12, CronField.MONTH_NAMES, 1, "month", e);
            boolean domAny = f[2].equals("?");
            boolean dowAny = f[4].equals("?");
            if (domAny == dowAny) {
                throw new IllegalArgumentException("cron expression '" + e + "': exactly one of day-of-month and day-of-week must be '?'");
            }
            long dom = 0;
            boolean last = false;
            long nearest = 0;
            if (!domAny) {
                for (String p : f[2].split(",", -1)) {
                    if (p.equals("L")) {
                        last = true;
                    } else if (p.matches("\\d{1,2}W")) {
                        int n = Integer.parseInt(p.substring(0, p.length() - 1));
                        if (n < 1 || n > 31) {
                            throw new IllegalArgumentException("cron expression '" + e + "': day-of-month " + p + " out of range");
                        }
                        nearest |= 1L << n;
                    } else {
                        dom |= mask(p, 1, 31, null, 0, "day-of-month", e);
                    }
                }
            }
            long dow = 0;
            int lastWeekday = -1;
            int nthWeekday = -1;
            int nth = 0;
            if (!dowAny) {
                String d = f[4].toUpperCase(Locale.ROOT);
                if (d.matches("[1-7A-Z]{1,3}L")) {
                    lastWeekday = dayValue(d.substring(0, d.length() - 1), e) - 1;
                } else if (d.equals("L")) {
                    dow = 1L << 6; // 'L' alone in day-of-week is its last value, 7 = SAT
                } else if (d.matches("[1-7A-Z]{1,3}#[1-5]")) {
                    nthWeekday = dayValue(d.substring(0, d.indexOf('#')), e) - 1;
                    nth = Integer.parseInt(d.substring(d.indexOf('#') + 1));
                } else {
                    dow = mask(d, 1, 7, CronField.DAY_NAMES, 1, "day-of-week", e) >>> 1;
                }
            }
            BitSet years = new BitSet();
            for (String p : f[5].split(",", -1)) {
                rangeInto(p, YEAR_MIN, YEAR_MAX, null, 0, "year", e, years);
            }
            return new Cron(e, minutes, hours, domAny, dom, last, nearest, months, dowAny, dow, lastWeekday,
                    nthWeekday, nth, years);
        }

        private static int dayValue(String s, String e) {
            int idx = CronField.DAY_NAMES.indexOf(s);
            if (idx >= 0) {
                return idx + 1;
            }
            if (s.matches("[1-7]")) {
                return Integer.parseInt(s);
            }
            throw new IllegalArgumentException("cron expression '" + e + "': '" + s + "' is not a day of week (1-7 or SUN-SAT)");
        }

        private static long mask(String field, int min, int max, List<String> names, int nameBase, String label, String e) {
            BitSet bits = new BitSet();
            for (String p : field.split(",", -1)) {
                rangeInto(p, min, max, names, nameBase, label, e, bits);
            }
            long m = 0;
            for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                m |= 1L << i;
            }
            return m;
        }

        private static void rangeInto(String p, int min, int max, List<String> names, int nameBase, String label,
                                      String e, BitSet into) {
            String range = p;
            int step = 1;
            boolean stepped = false;
            int slash = p.indexOf('/');
            if (slash >= 0) {
                range = p.substring(0, slash);
                step = num(p.substring(slash + 1), label, e, null, 0, 1, Integer.MAX_VALUE);
                stepped = true;
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.indexOf('-', 1) > 0) {
                int dash = range.indexOf('-', 1);
                lo = num(range.substring(0, dash), label, e, names, nameBase, min, max);
                hi = num(range.substring(dash + 1), label, e, names, nameBase, min, max);
                if (hi < lo) {
                    throw new IllegalArgumentException("cron expression '" + e + "': " + label + " range " + range + " runs backwards");
                }
            } else {
                lo = num(range, label, e, names, nameBase, min, max);
                hi = stepped ? max : lo; // in AWS (Quartz-style) cron, 0/15 means 0, 15, 30, 45
            }
            for (int v = lo; v <= hi; v += step) {
                into.set(min >= YEAR_MIN ? v - YEAR_MIN : v); // years are stored from 1970
            }
        }

        private static int num(String s, String label, String e, List<String> names, int nameBase, int min, int max) {
            if (names != null) {
                int idx = names.indexOf(s.toUpperCase(Locale.ROOT));
                if (idx >= 0) {
                    return idx + nameBase;
                }
            }
            if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("cron expression '" + e + "': " + label + " '" + s + "' is not a number");
            }
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("cron expression '" + e + "': " + label + " " + v + " outside " + min + "-" + max);
            }
            return v;
        }

        boolean matchesDay(LocalDate d) {
            if ((months & (1L << d.getMonthValue())) == 0 || !years.get(d.getYear() - YEAR_MIN)) {
                return false;
            }
            if (dowAny) {
                int dom = d.getDayOfMonth();
                if ((daysOfMonth & (1L << dom)) != 0) {
                    return true;
                }
                if (lastDayOfMonth && dom == d.lengthOfMonth()) {
                    return true;
                }
                for (long m = nearestWeekdayTo; m != 0; m &= m - 1) {
                    if (d.equals(nearestWeekday(d, Long.numberOfTrailingZeros(m)))) {
                        return true;
                    }
                }
                return false;
            }
            int dow = d.getDayOfWeek().getValue() % 7;
            if ((daysOfWeek & (1L << dow)) != 0) {
                return true;
            }
            if (lastWeekdayOfMonth >= 0 && dow == lastWeekdayOfMonth && d.plusWeeks(1).getMonth() != d.getMonth()) {
                return true;
            }
            return nthWeekday >= 0 && dow == nthWeekday && (d.getDayOfMonth() - 1) / 7 + 1 == nth;
        }

        /** Quartz 'nW': the weekday nearest day n, never crossing into another month. */
        private static LocalDate nearestWeekday(LocalDate inMonth, int n) {
            if (n > inMonth.lengthOfMonth()) {
                return null;
            }
            LocalDate t = inMonth.withDayOfMonth(n);
            DayOfWeek w = t.getDayOfWeek();
            if (w == DayOfWeek.SATURDAY) {
                return n == 1 ? t.plusDays(2) : t.minusDays(1);
            }
            if (w == DayOfWeek.SUNDAY) {
                return n == t.lengthOfMonth() ? t.minusDays(2) : t.plusDays(1);
            }
            return t;
        }

        /** The first matching wall minute strictly after {@code t}, or null if none before the year limit. */
        LocalDateTime nextMatch(LocalDateTime t) {
            return WallClockSearch.nextMatch(t, LocalDate.of(YEAR_MAX, 12, 31), this::matchesDay, this::nextCandidateDay,
                    hours, minutes);
        }

        /** The day after {@code d}, or straight to 1 January of the next year the expression allows. */
        private LocalDate nextCandidateDay(LocalDate d) {
            if (years.get(d.getYear() - YEAR_MIN)) {
                return d.plusDays(1);
            }
            int next = years.nextSetBit(d.getYear() - YEAR_MIN + 1);
            return next < 0 ? LocalDate.of(YEAR_MAX + 1, 1, 1) : LocalDate.of(next + YEAR_MIN, 1, 1);
        }
    }
}
