package dev.outrigger.local.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proof: every table entry is converted, then the original scheduler's fire times (Vixie cron, or Celery beat)
 * and EventBridge Scheduler's fire times for the converted expression(s) are computed for all of 2026 from
 * 2026-01-01T00:00Z in four zones and compared. They must be identical, or differ only within hours of a DST
 * transition AND the converter must have put a DST warning on the schedule. A Celery interval is added on the wall
 * clock of its zone ({@link CeleryScheduleEvaluator}), so the runs after a DST change keep its shift: for an interval
 * the rate's runs must be exactly one period apart from the same first run, Celery's too except where one interval
 * spans a DST change and is the period plus or minus that change, and then the warning must be there.
 */
class ScheduleEquivalenceTest {
    static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");
    static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney");
    static final ScheduleConverter CONVERTER = new ScheduleConverter(Clock.fixed(FROM, ZoneOffset.UTC));
    static int identical;
    static int warned;
    static int schedulesCompared;
    static int neverFires;

    static final List<String> CRONTAB = List.of(
            "0 3 * * *", "30 2 * * *", "15 1 * * *", "45 2 * * *", "0 2 * * *", "59 1 * * *", "0 0 * * *",
            "*/5 * * * *", "*/7 * * * *", "*/15 * * * *", "*/30 * * * *", "*/13 * * * *", "0 * * * *", "30 * * * *",
            "5,35 * * * *", "0-10 * * * *", "0-59/20 * * * *", "10-50/10 * * * *", "0 */2 * * *", "0 */3 * * *",
            "15 */4 * * *", "0 1-5 * * *", "0 0-23/6 * * *", "0 9-17 * * MON-FRI", "30 8 * * 1-5", "0 9 * * 1,3,5",
            "0 7 * * MON", "0 7 * * mon", "0 7 * * 0", "0 7 * * 7", "0 7 * * SUN", "0 7 * * SAT,SUN", "0 7 * * 6-7",
            "0 2 * * SUN", "30 2 * * 0", "0 1 * * SUN", "30 3 * * SUN", "0 0 1 * *", "0 0 15 * *", "0 0 31 * *",
            "0 0 29 2 *", "0 0 30 * *", "0 12 1,15 * *", "0 12 1-7 * *", "0 12 */2 * *", "0 12 1-31/3 * *",
            "0 0 1 1 *", "0 0 1 JAN *", "0 0 1 jan,jul *", "0 6 * JAN-MAR *", "0 6 * 3 *", "0 6 * 10 *",
            "0 6 * */3 *", "0 6 1 */2 *", "0 0 * 4-9 *", "30 2 * 3 *", "30 2 * 10 *", "30 2 * 11 *", "0 2 * 4 *",
            "0 0 1,15 * MON", "0 0 13 * FRI", "0 8 1 * 1", "30 2 1 * 0", "0 4 10-20 * SAT", "0 0 * * 3",
            "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "0 0 * * */2",
            "*/10 2 * * *", "*/10 1-3 * * *", "0,30 2 * * *", "0 2,3 * * *", "15 2 * * *", "0 3 * * SUN",
            "0 1 * * 0", "45 1 * * 6", "5 4 * * *", "17 * * * *", "0-4 0 * * *", "0 22 * * 1-5", "0 23 31 12 *",
            "*/20 9-18 * * 1-5", "0 */6 1 * *", "0 12 28 2 *", "0 0 * 2 *",
            "1 2 3 4 *", "0 0 * * 5", "0 0 * 12 FRI", "0 6,18 * * *", "0 6-18/4 * * *", "30 */2 * * 0",
            "0 * * * 0", "*/30 0-3 * * *", "0 0 1-7 * *", "0 12 8-14 * *", "2 2 2 * *", "0 0 1 3,10 *",
            "*/15 * * 3 *", "*/15 * * 10 *", "0 2 25-31 3 *", "0 2 25-31 10 *", "30 1 * * *", "0 3 1 * SUN",
            "0 10 * * TUE,THU", "0 0 */10 * *", "20 2 8-14 3 0", "0 0 1 * 1-5");

    static final List<String> BEAT = List.of(
            "crontab(minute=0, hour=3)", "crontab(minute=30, hour=2)", "crontab(minute=0, hour=7, day_of_week='mon')",
            "crontab(minute=0, hour=7, day_of_week=1)", "crontab(minute='*/15')", "crontab(minute=0, hour='*/3')",
            "crontab(0, 0, day_of_month='2-30/2')", "crontab(0, 0, day_of_month='1')", "crontab(minute=0, hour=0, month_of_year='*/3')",
            "crontab(minute=0, hour=8, day_of_week='mon-fri')", "crontab(minute=0, hour=8, day_of_week='sun,sat')",
            "crontab(minute=[0, 30], hour=[9, 17])", "crontab(minute=0, hour=9, day_of_week='mon', day_of_month='1-7')",
            "crontab(minute=0, hour=9, day_of_week='fri', day_of_month='22-28')", "crontab()", "crontab(minute=0)",
            "crontab(minute=15, hour=2, day_of_week=0)", "crontab(minute='0-30/10', hour='1-3')",
            "timedelta(minutes=5)", "timedelta(hours=1)", "timedelta(days=1)", "timedelta(minutes=90)",
            "timedelta(hours=1, minutes=30)", "timedelta(weeks=1)", "timedelta(seconds=300)", "300", "60.0",
            "3600 * 24", "schedule(run_every=timedelta(minutes=10))", "schedule(timedelta(hours=6))", "timedelta(days=7)");

    static Stream<Arguments> table() {
        List<Arguments> out = new ArrayList<>();
        for (String zone : ZONES) {
            for (String line : CRONTAB) {
                out.add(Arguments.of("crontab", line, zone));
            }
            for (String b : BEAT) {
                out.add(Arguments.of("beat", b, zone));
            }
        }
        return out.stream();
    }

    @Test
    void table_isLarge() {
        assertThat(CRONTAB.size() + BEAT.size()).isGreaterThanOrEqualTo(100);
        assertThat(CRONTAB).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0} {1} in {2}")
    @MethodSource("table")
    void convertedSchedule_firesAtTheSameInstantsAsTheOriginal_forAYear(String kind, String text, String zoneId) {
        ZoneId zone = ZoneId.of(zoneId);
        ParsedSchedules parsed = kind.equals("crontab")
                ? CrontabParser.parse("crontab", text + " python manage.py job", zone)
                : BeatParser.parse("beat.py", "CELERY_BEAT_SCHEDULE = {'job': {'task': 'app.tasks.job', 'schedule': " + text + "}}", zone);
        assertThat(parsed.errors()).isEmpty();
        SourceEntry entry = parsed.entries().getFirst();
        ConversionResult result = CONVERTER.convert(List.of(entry));
        assertThat(result.errors()).as("conversion of %s", text).isEmpty();

        List<Instant> original = ScheduleConverter.originalFireTimes(entry, FROM, TO, FROM);
        List<AwsSchedule> aws = result.schedules().stream().map(s -> AwsSchedule.parse(s.expression())).toList();
        List<Instant> converted = ScheduleConverter.convertedFireTimes(aws, zone, FROM, TO, FROM);
        if (aws.size() > 1) {
            // A -dom/-dow split fires twice on days matching both, with one scheduled time (one job id).
            converted = converted.stream().distinct().toList();
        }
        if (original.isEmpty()) {
            neverFires++; // e.g. 29 February in 2026; converted must not fire either
        }
        schedulesCompared++;
        List<String> warnings = result.schedules().getFirst().warnings();
        if (original.equals(converted)) {
            identical++;
            return;
        }
        warned++;
        assertThat(warnings).as("%s in %s differs from EventBridge but has no DST warning", text, zone).isNotEmpty();
        if (entry.source() instanceof ScheduleSource.Interval i) {
            assertIntervalDiffersOnlyByDst(text + " in " + zone, original, converted, i.every(), zone);
            return;
        }
        List<Instant> diff = new ArrayList<>(ScheduleConverter.minus(original, converted));
        diff.addAll(ScheduleConverter.minus(converted, original));
        assertThat(diff).as("differences of %s in %s", text, zone)
                .allSatisfy(i -> assertThat(nearTransition(zone, i)).as("%s is near a DST transition", i).isTrue());
    }

    @Test
    void dstCases_areReallyDifferent_andWarned() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        SourceEntry fixed = CrontabParser.parse("c", "30 2 * * * ./manage.py x", berlin).entries().getFirst();
        List<ConvertedSchedule> c = CONVERTER.convert(List.of(fixed)).schedules();
        assertThat(c.getFirst().warnings()).anySatisfy(w -> assertThat(w).contains("spring-forward").contains("2026-03-29"));
        SourceEntry wild = CrontabParser.parse("c", "*/15 * * * * ./manage.py x", berlin).entries().getFirst();
        assertThat(CONVERTER.convert(List.of(wild)).schedules().getFirst().warnings())
                .anySatisfy(w -> assertThat(w).contains("fall-back").contains("2026-10-25"));
        SourceEntry utc = CrontabParser.parse("c", "30 2 * * * ./manage.py x", ZoneOffset.UTC).entries().getFirst();
        assertThat(CONVERTER.convert(List.of(utc)).schedules().getFirst().warnings()).isEmpty();
    }

    static boolean nearTransition(ZoneId zone, Instant i) {
        ZoneOffsetTransition prev = zone.getRules().previousTransition(i.plusSeconds(1));
        ZoneOffsetTransition next = zone.getRules().nextTransition(i);
        long h = 6 * 3600;
        return prev != null && Math.abs(i.getEpochSecond() - prev.getInstant().getEpochSecond()) <= h
                || next != null && Math.abs(next.getInstant().getEpochSecond() - i.getEpochSecond()) <= h;
    }

    /**
     * A rate's runs (converted) are one period apart from Celery's first run; Celery's (original) too, except where one
     * interval spans a DST change and is the period plus or minus that change.
     */
    static void assertIntervalDiffersOnlyByDst(String what, List<Instant> original, List<Instant> converted, Duration every,
                                               ZoneId zone) {
        assertThat(converted.getFirst()).as("%s: first run", what).isEqualTo(original.getFirst());
        assertThat(gaps(converted)).as("%s: the rate's runs", what).containsOnly(every);
        for (int k = 1; k < original.size(); k++) {
            Duration gap = Duration.between(original.get(k - 1), original.get(k));
            if (!gap.equals(every)) {
                ZoneOffsetTransition tr = zone.getRules().nextTransition(original.get(k - 1));
                assertThat(tr.getInstant()).as("%s: Celery's interval ending %s spans a DST change", what, original.get(k))
                        .isBefore(original.get(k).plusSeconds(1));
                assertThat(gap.minus(every).abs()).as("%s: it is the period +/- the change, at %s", what, original.get(k))
                        .isEqualTo(tr.getDuration().abs());
            }
        }
    }

    static List<Duration> gaps(List<Instant> instants) {
        List<Duration> out = new ArrayList<>();
        for (int k = 1; k < instants.size(); k++) {
            out.add(Duration.between(instants.get(k - 1), instants.get(k)));
        }
        return out;
    }

    @AfterAll
    static void summary() {
        System.out.printf("equivalence: %d schedule-years compared, %d identical (%d never fire in 2026), %d differ only at DST and are warned%n",
                schedulesCompared, identical, neverFires, warned);
    }
}
