package dev.outrigger.local.schedules;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts crontab lines and beat entries to EventBridge Scheduler expressions that fire at the same instants, and
 * refuses what EventBridge cannot express rather than emit a different schedule.
 *
 * <p>Cron fields map one to one (AWS adds a year field {@code *}); days of week become SUN-SAT names (AWS numbers
 * them 1-7 from Sunday). EventBridge needs {@code ?} in one day field
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based):
 * <ul>
 *   <li>one day field unrestricted: it becomes {@code ?};</li>
 *   <li>both restricted and ORed (Vixie cron, neither field starting with '*'): two schedules, {@code <name>-dom}
 *       and {@code <name>-dow}; on a day both match, both fire at the same scheduled time and the hook's job id
 *       (hook + scheduled time) is the same, so Django runs it once;</li>
 *   <li>both restricted and ANDed (Celery, or Vixie with a '*'-led field such as {@code *}{@code /2}): refused,
 *       except day-of-month 1-7, 8-14, 15-21 or 22-28 with one weekday, which is exactly {@code n#k};</li>
 * </ul>
 * Crontab steps are never turned into rates: {@code *}{@code /7} fires at :00 :07 … :56 then :00, a rate every 7
 * minutes from deploy time. A Celery interval is a rate (it is one in Celery too, from beat's start).
 *
 * <p>DST: cron, Celery and EventBridge handle skipped and repeated wall times differently (see
 * {@link VixieCronEvaluator}, {@link CeleryScheduleEvaluator}, {@link AwsScheduleEvaluator}). For every converted
 * cron schedule in a zone with DST, both evaluators run around each transition of the next {@link #DST_YEARS}
 * years; any difference becomes a warning in the output with the example instants.
 */
public final class ScheduleConverter {
    static final int DST_YEARS = 10;
    private static final DateTimeFormatter WALL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz");
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final Clock clock;

    public ScheduleConverter(Clock clock) {
        this.clock = clock;
    }

    public ConversionResult convert(List<SourceEntry> entries) {
        List<ConvertedSchedule> out = new ArrayList<>();
        List<ScheduleError> errors = new ArrayList<>();
        for (SourceEntry e : entries) {
            try {
                out.addAll(convert(e));
            } catch (IllegalArgumentException ex) {
                errors.add(new ScheduleError(e.location(), ex.getMessage()));
            }
        }
        return new ConversionResult(out, errors);
    }

    List<ConvertedSchedule> convert(SourceEntry e) {
        if (e.start() != null && e.end() != null && !e.end().isAfter(e.start())) {
            throw new IllegalArgumentException("expires " + e.end() + " is not after start_time " + e.start());
        }
        List<ConvertedSchedule> out = switch (e.source()) {
            case ScheduleSource.Interval i -> List.of(new ConvertedSchedule(e.name(), AwsSchedule.Rate.of(i.every()),
                    e.zone(), e, List.of("A Celery interval is a rate: EventBridge counts it from when the schedule is "
                    + "created or enabled (deploy time, or StartDate), firing once at once, then every "
                    + i.every().toMinutes() + " min; beat counted from its own start and first fired one interval later."),
                    intervalDstWarnings(e, i)));
            case ScheduleSource.Cron c -> cron(e, c.spec());
            case ScheduleSource.Clocked c -> List.of(new ConvertedSchedule(e.name(),
                    "at(" + AT.format(c.when().atOffset(ZoneOffset.UTC)) + ")", ZoneOffset.UTC, e,
                    List.of("A one-time schedule: it fires once at this UTC time (EventBridge ignores StartDate and "
                            + "EndDate for it) and stays in its group afterwards, as beat's one_off row stays disabled."),
                    List.of()));
        };
        if (e.notes().isEmpty()) {
            return out;
        }
        return out.stream().map(c -> new ConvertedSchedule(c.name(), c.expression(), c.zone(), c.source(),
                java.util.stream.Stream.concat(e.notes().stream(), c.notes().stream()).toList(), c.warnings())).toList();
    }

    /**
     * Celery adds an interval on the wall clock of its zone ({@link CeleryScheduleEvaluator}); an EventBridge rate is a
     * fixed duration. Where the two differ in the next {@link #DST_YEARS} years (anchored at the start of this year),
     * says so, with the first instants that differ.
     */
    private List<String> intervalDstWarnings(SourceEntry e, ScheduleSource.Interval i) {
        ZoneId zone = e.zone();
        if (zone.getRules().isFixedOffset()) {
            return List.of();
        }
        int year = LocalDate.now(clock.withZone(ZoneOffset.UTC)).getYear();
        Instant from = LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = LocalDate.of(year + DST_YEARS, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        ZoneOffsetTransition tr;
        Instant t = from;
        while ((tr = zone.getRules().nextTransition(t)) != null && tr.getInstant().isBefore(end)) {
            // A transition shows at the first run after it, depending on where beat's runs fall (their phase, set by
            // when beat started): try a few phases, from a period (or a day) before it.
            java.time.Duration span = i.every().compareTo(java.time.Duration.ofDays(1)) > 0 ? i.every() : java.time.Duration.ofDays(1);
            long phases = Math.min(8, Math.max(1, i.every().toMinutes() / 15));
            for (long k = 0; k < phases; k++) {
                Instant anchor = tr.getInstant().minus(span).minus(i.every().dividedBy(phases).multipliedBy(k));
                Instant until = tr.getInstant().plus(span.multipliedBy(2));
                List<Instant> celery = CeleryScheduleEvaluator.fireTimes(e.source(), zone, anchor, until, anchor);
                List<Instant> aws = AwsScheduleEvaluator.fireTimes(AwsSchedule.parse(AwsSchedule.Rate.of(i.every())), zone,
                        anchor, until, anchor);
                if (!celery.equals(aws)) {
                    List<Instant> onlyCelery = minus(celery, aws);
                    List<Instant> onlyAws = minus(aws, celery);
                    return List.of("Celery adds each interval to the last run on the wall clock of " + zone + ", so at a DST "
                            + "change one interval can be shorter or longer by the change, and the runs after it keep that "
                            + "shift; an EventBridge rate is a fixed " + i.every().toMinutes() + " min. For example on "
                            + tr.getDateTimeBefore().toLocalDate() + ": Celery Beat fires "
                            + (onlyCelery.isEmpty() ? "nothing extra" : "at " + walls(onlyCelery, zone))
                            + " where EventBridge Scheduler " + (onlyAws.isEmpty() ? "does not" : "fires at " + walls(onlyAws, zone))
                            + ". For Celery's wall-clock times use a crontab; with Celery's timezone UTC the two agree.");
                }
            }
            t = tr.getInstant().plusSeconds(1);
        }
        return List.of();
    }

    private List<ConvertedSchedule> cron(SourceEntry e, CronSpec s) {
        String min = format(s.minutes(), 0, 59);
        String hour = format(s.hours(), 0, 23);
        String month = format(s.months(), 1, 12);
        boolean domAll = s.daysOfMonth() == CronSpec.ALL_DOM;
        boolean dowAll = s.daysOfWeek() == CronSpec.ALL_DOW;
        boolean and = s.dayRule() == CronSpec.DayRule.CELERY || s.domStar() || s.dowStar();
        List<String[]> days = new ArrayList<>(); // {suffix, dom, dow}
        List<String> notes = new ArrayList<>();
        if (and ? dowAll : (domAll || dowAll)) {
            days.add(new String[] {"", and ? format(s.daysOfMonth(), 1, 31) : "*", "?"});
        } else if (and && domAll) {
            days.add(new String[] {"", "?", formatDow(s.daysOfWeek())});
        } else if (and) {
            int week = weekBlock(s.daysOfMonth());
            if (week > 0 && Long.bitCount(s.daysOfWeek()) == 1) {
                int dow = Long.numberOfTrailingZeros(s.daysOfWeek());
                days.add(new String[] {"", "?", (dow + 1) + "#" + week});
                notes.add("day-of-month " + (week * 7 - 6) + "-" + week * 7 + " and day-of-week " + CronField.DAY_NAMES.get(dow)
                        + " together is the " + ordinal(week) + " " + CronField.DAY_NAMES.get(dow) + " of the month: "
                        + (dow + 1) + "#" + week);
            } else {
                throw new IllegalArgumentException((s.dayRule() == CronSpec.DayRule.CELERY
                        ? "Celery requires both day_of_month and day_of_week to match"
                        : "cron requires both day fields to match here, because one of them starts with '*'")
                        + "; EventBridge can restrict only one of day-of-month and day-of-week");
            }
        } else {
            days.add(new String[] {"-dom", format(s.daysOfMonth(), 1, 31), "?"});
            days.add(new String[] {"-dow", "?", formatDow(s.daysOfWeek())});
            notes.add("cron runs this when day-of-month OR day-of-week matches; EventBridge needs '?' in one of them, so it is "
                    + "split into " + e.name() + "-dom and " + e.name() + "-dow. Together they fire at exactly the cron instants; "
                    + "on a day matching both, both fire with the same scheduled time, so the hook's job id is the same and Django runs it once.");
        }
        List<ConvertedSchedule> out = new ArrayList<>();
        List<AwsSchedule> parsed = new ArrayList<>();
        for (String[] d : days) {
            String expr = "cron(" + min + " " + hour + " " + d[1] + " " + month + " " + d[2] + " *)";
            parsed.add(AwsSchedule.parse(expr)); // our own output must be valid AWS syntax
            out.add(new ConvertedSchedule(e.name() + d[0], expr, e.zone(), e, List.copyOf(notes), List.of()));
        }
        List<String> warnings = dstWarnings(e, s, parsed);
        if (!warnings.isEmpty()) {
            out.replaceAll(c -> new ConvertedSchedule(c.name(), c.expression(), c.zone(), c.source(), c.notes(), warnings));
        }
        return out;
    }

    /** Fire times of the original scheduler (cron or Celery) for this entry. */
    static List<Instant> originalFireTimes(SourceEntry e, Instant from, Instant to, Instant anchor) {
        return switch (e.source()) {
            case ScheduleSource.Cron c when c.spec().dayRule() == CronSpec.DayRule.VIXIE ->
                    VixieCronEvaluator.fireTimes(c.spec(), e.zone(), from, to);
            default -> CeleryScheduleEvaluator.fireTimes(e.source(), e.zone(), from, to, anchor);
        };
    }

    /**
     * Fire times of converted schedules as deployed: nothing when DISABLED, only within StartDate and EndDate
     * ({@link AwsScheduleEvaluator.Window}: StartDate inclusive, EndDate exclusive, as beat does with start_time and
     * expires).
     */
    static List<Instant> deployedFireTimes(List<ConvertedSchedule> schedules, Instant from, Instant to, Instant anchor) {
        List<Instant> all = new ArrayList<>();
        for (ConvertedSchedule c : schedules) {
            SourceEntry e = c.source();
            if (!e.enabled()) {
                continue;
            }
            all.addAll(AwsScheduleEvaluator.fireTimes(AwsSchedule.parse(c.expression()), c.zone(), from, to, anchor,
                    new AwsScheduleEvaluator.Window(e.start(), e.end())));
        }
        all.sort(null);
        return all;
    }

    /** Fire times of the converted schedules together (a split gives one instant per schedule on both-match days). */
    static List<Instant> convertedFireTimes(List<AwsSchedule> schedules, ZoneId zone, Instant from, Instant to, Instant anchor) {
        List<Instant> all = new ArrayList<>();
        for (AwsSchedule a : schedules) {
            all.addAll(AwsScheduleEvaluator.fireTimes(a, zone, from, to, anchor));
        }
        all.sort(null);
        return all;
    }

    private List<String> dstWarnings(SourceEntry e, CronSpec s, List<AwsSchedule> converted) {
        ZoneId zone = e.zone();
        int year = LocalDate.now(clock.withZone(ZoneOffset.UTC)).getYear();
        Instant end = LocalDate.of(year + DST_YEARS, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant t = LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<String> spring = new ArrayList<>();
        List<String> autumn = new ArrayList<>();
        ZoneOffsetTransition tr;
        while ((tr = zone.getRules().nextTransition(t)) != null && tr.getInstant().isBefore(end)) {
            Instant from = tr.getInstant().minusSeconds(6 * 3600);
            Instant to = tr.getInstant().plusSeconds(6 * 3600);
            List<Instant> orig = originalFireTimes(e, from, to, from);
            List<Instant> conv = convertedFireTimes(converted, zone, from, to, from);
            if (converted.size() > 1) {
                conv = distinct(conv); // a -dom/-dow split's double fire has one scheduled time, so one job id
            }
            if (!orig.equals(conv)) {
                List<Instant> onlyOrig = minus(orig, conv);
                List<Instant> onlyConv = minus(conv, orig);
                String who = s.dayRule() == CronSpec.DayRule.VIXIE ? "cron" : "Celery beat";
                String msg = "DST " + (tr.isGap() ? "spring-forward" : "fall-back") + " on "
                        + tr.getDateTimeBefore().toLocalDate() + " in " + zone + ": " + who + " fires "
                        + (onlyOrig.isEmpty() ? "nothing extra" : "at " + walls(onlyOrig, zone))
                        + " where EventBridge Scheduler " + (onlyConv.isEmpty() ? "does not" : "fires at " + walls(onlyConv, zone))
                        + (tr.isGap() ? " (EventBridge skips wall times that do not exist)"
                        : " (EventBridge fires a repeated wall time once)");
                if (tr.isGap() && spring.isEmpty()) {
                    spring.add(msg);
                } else if (!tr.isGap() && autumn.isEmpty()) {
                    autumn.add(msg);
                }
            }
            t = tr.getInstant().plusSeconds(1);
        }
        List<String> w = new ArrayList<>(spring);
        w.addAll(autumn);
        if (!w.isEmpty()) {
            w.add("This repeats at DST changes every year. To keep " + who(s) + "'s behaviour, move the time out of the "
                    + "changeover hours or use ScheduleExpressionTimezone UTC.");
        }
        return w;
    }

    private static String who(CronSpec s) {
        return s.dayRule() == CronSpec.DayRule.VIXIE ? "cron" : "Celery";
    }

    /** Multiset difference: a cron job run twice at one instant where EventBridge fires once shows up once. */
    static List<Instant> minus(List<Instant> a, List<Instant> b) {
        java.util.Map<Instant, Integer> counts = new java.util.HashMap<>();
        b.forEach(i -> counts.merge(i, 1, Integer::sum));
        List<Instant> out = new ArrayList<>();
        for (Instant i : a) {
            if (counts.getOrDefault(i, 0) > 0) {
                counts.merge(i, -1, Integer::sum);
            } else {
                out.add(i);
            }
        }
        return out;
    }

    private static List<Instant> distinct(List<Instant> l) {
        return l.stream().distinct().toList();
    }

    private static String walls(List<Instant> l, ZoneId zone) {
        List<String> out = new ArrayList<>();
        for (Instant i : l.subList(0, Math.min(4, l.size()))) {
            out.add(WALL.format(ZonedDateTime.ofInstant(i, zone)) + " (" + i + ")");
        }
        return String.join(", ", out) + (l.size() > 4 ? " and " + (l.size() - 4) + " more" : "");
    }

    private static String ordinal(int n) {
        return switch (n) {
            case 1 -> "first";
            case 2 -> "second";
            case 3 -> "third";
            default -> "fourth";
        };
    }

    /** 1..4 when the mask is exactly days 1-7, 8-14, 15-21 or 22-28; else 0. */
    static int weekBlock(long domMask) {
        for (int k = 1; k <= 4; k++) {
            long block = 0;
            for (int d = 7 * k - 6; d <= 7 * k; d++) {
                block |= 1L << d;
            }
            if (domMask == block) {
                return k;
            }
        }
        return 0;
    }

    /** A mask as AWS field text: '*', 'a/s' for a full progression, else a list of values and a-b runs. */
    static String format(long mask, int min, int max) {
        long full = 0;
        for (int v = min; v <= max; v++) {
            full |= 1L << v;
        }
        if (mask == full) {
            return "*";
        }
        List<Integer> vals = values(mask);
        if (vals.size() >= 3) {
            int a = vals.get(0);
            int step = vals.get(1) - a;
            boolean progression = step > 1;
            for (int i = 1; i < vals.size() && progression; i++) {
                progression = vals.get(i) - vals.get(i - 1) == step;
            }
            if (progression && vals.getLast() + step > max) {
                return a + "/" + step;
            }
        }
        return runs(vals, v -> Integer.toString(v));
    }

    static String formatDow(long mask) {
        return runs(values(mask), v -> CronField.DAY_NAMES.get(v));
    }

    private static List<Integer> values(long mask) {
        List<Integer> vals = new ArrayList<>();
        for (long m = mask; m != 0; m &= m - 1) {
            vals.add(Long.numberOfTrailingZeros(m));
        }
        return vals;
    }

    private static String runs(List<Integer> vals, java.util.function.IntFunction<String> name) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < vals.size(); ) {
            int j = i;
            while (j + 1 < vals.size() && vals.get(j + 1) == vals.get(j) + 1) {
                j++;
            }
            if (j - i >= 2) {
                parts.add(name.apply(vals.get(i)) + "-" + name.apply(vals.get(j)));
            } else {
                for (int k = i; k <= j; k++) {
                    parts.add(name.apply(vals.get(k)));
                }
            }
            i = j + 1;
        }
        return String.join(",", parts);
    }
}
