package dev.outrigger.local.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleConverterTest {
    static final ScheduleConverter CONVERTER = new ScheduleConverter(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    static ConversionResult crontab(String text) {
        ParsedSchedules p = CrontabParser.parse("crontab", text, ZoneOffset.UTC);
        ConversionResult r = CONVERTER.convert(p.entries());
        List<ScheduleError> errors = new java.util.ArrayList<>(p.errors());
        errors.addAll(r.errors());
        return new ConversionResult(r.schedules(), errors);
    }

    static ConversionResult beat(String schedule) {
        ParsedSchedules p = BeatParser.parse("celery.py", "CELERY_BEAT_SCHEDULE = {'nightly': {'task': 'app.tasks.nightly', 'schedule': " + schedule + "}}", ZoneOffset.UTC);
        ConversionResult r = CONVERTER.convert(p.entries());
        List<ScheduleError> errors = new java.util.ArrayList<>(p.errors());
        errors.addAll(r.errors());
        return new ConversionResult(r.schedules(), errors);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0 3 * * *|cron(0 3 * * ? *)",
            "*/7 * * * *|cron(0/7 * * * ? *)",
            "0 9-17 * * MON-FRI|cron(0 9-17 ? * MON-FRI *)",
            "0 7 * * 0|cron(0 7 ? * SUN *)",
            "0 7 * * 7|cron(0 7 ? * SUN *)",
            "0 0 1 JAN *|cron(0 0 1 1 ? *)",
            "0 0 * * 0-6|cron(0 0 * * ? *)",
            "5,35 */2 1,15 * *|cron(5,35 0/2 1,15 * ? *)",
            "@hourly|cron(0 * * * ? *)",
            "@weekly|cron(0 0 ? * SUN *)",
            "@monthly|cron(0 0 1 * ? *)",
            "@yearly|cron(0 0 1 1 ? *)",
    })
    void crontab_convertsToAwsCron(String fields, String expected) {
        ConversionResult r = crontab(fields + " cd /app && ./manage.py clearsessions --verbosity 0 >> /var/log/cron.log 2>&1");
        assertThat(r.errors()).isEmpty();
        assertThat(r.schedules()).singleElement().satisfies(s -> {
            assertThat(s.expression()).isEqualTo(expected);
            assertThat(s.source().hook()).isEqualTo("clearsessions");
            assertThat(s.source().args().toString()).isEqualTo("[\"--verbosity\",\"0\"]");
        });
    }

    @Test
    void crontab_bothDayFieldsRestricted_splitsIntoDomAndDowSchedules() {
        ConversionResult r = crontab("0 0 1,15 * MON python manage.py report");
        assertThat(r.schedules()).extracting(ConvertedSchedule::name, ConvertedSchedule::expression).containsExactly(
                org.assertj.core.groups.Tuple.tuple("report-dom", "cron(0 0 1,15 * ? *)"),
                org.assertj.core.groups.Tuple.tuple("report-dow", "cron(0 0 ? * MON *)"));
        assertThat(r.schedules().getFirst().notes()).anySatisfy(n -> assertThat(n).contains("Django runs it once"));
    }

    @Test
    void crontab_CRON_TZ_appliesToFollowingLines() {
        ConversionResult r = crontab("0 1 * * * python manage.py a\nCRON_TZ=Europe/Berlin\nMAILTO=ops@example.com\n0 7 * * MON python manage.py b");
        assertThat(r.schedules()).extracting(s -> s.zone().getId()).containsExactly("Z", "Europe/Berlin");
    }

    @Test
    void celery_nthWeekdayPattern_becomesHashExpression() {
        ConversionResult r = beat("crontab(minute=0, hour=9, day_of_week='mon', day_of_month='1-7')");
        assertThat(r.schedules()).singleElement().satisfies(s -> assertThat(s.expression()).isEqualTo("cron(0 9 ? * 2#1 *)"));
    }

    @Test
    void celery_timedelta_becomesRate_withAnchoringNote() {
        ConversionResult r = beat("timedelta(hours=1, minutes=30)");
        assertThat(r.schedules()).singleElement().satisfies(s -> {
            assertThat(s.expression()).isEqualTo("rate(90 minutes)");
            assertThat(s.notes()).anySatisfy(n -> assertThat(n).contains("deploy time"));
            assertThat(s.source().mode()).isEqualTo("enqueue");
        });
        assertThat(beat("timedelta(days=1)").schedules().getFirst().expression()).isEqualTo("rate(1 day)");
        assertThat(beat("60.0").schedules().getFirst().expression()).isEqualTo("rate(1 minute)");
    }

    @Test
    void beat_fullSettingsModule_withTimezoneNameQueueArgs() {
        String src = """
                from celery.schedules import crontab
                from datetime import timedelta
                TIME_ZONE = 'Europe/Berlin'
                CELERY_TIMEZONE = TIME_ZONE  # beat follows Django
                CELERY_BEAT_SCHEDULE = {
                    "weekly-report": {
                        "task": "reports.tasks.weekly",
                        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
                        "args": ("pdf",),
                        "kwargs": {"recipients": ['ops@example.com'], "full": True},
                        "options": {"queue": "heavy", "expires": 3600},
                    },
                    'ping': {'task': 'health.ping', 'schedule': 60 * 5},
                }
                """;
        ParsedSchedules p = BeatParser.parse("settings.py", src, ZoneOffset.UTC);
        assertThat(p.errors()).isEmpty();
        ConversionResult r = CONVERTER.convert(p.entries());
        assertThat(r.schedules()).extracting(ConvertedSchedule::expression).containsExactly("cron(0 7 ? * MON *)", "rate(5 minutes)");
        ConvertedSchedule weekly = r.schedules().getFirst();
        assertThat(weekly.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(ScheduleTemplateWriter.input(weekly)).isEqualTo("{\"hook\":\"reports.tasks.weekly\",\"mode\":\"enqueue\","
                + "\"scheduled_time\":\"<aws.scheduler.scheduled-time>\",\"execution_id\":\"<aws.scheduler.execution-id>\","
                + "\"args\":{\"args\":[\"pdf\"],\"kwargs\":{\"recipients\":[\"ops@example.com\"],\"full\":true},\"queue\":\"heavy\"}}");
    }

    @Test
    void beat_json_isAccepted() {
        ParsedSchedules p = BeatParser.parse("beat.json", """
                {"timezone": "America/New_York", "beat_schedule": {
                  "cleanup": {"task": "app.cleanup", "schedule": {"crontab": {"minute": 15, "hour": "*/6"}}, "args": [1]},
                  "sync": {"task": "app.sync", "schedule": 600, "options": {"queue": "default"}}}}
                """, ZoneOffset.UTC);
        assertThat(p.errors()).isEmpty();
        ConversionResult r = CONVERTER.convert(p.entries());
        assertThat(r.schedules()).extracting(ConvertedSchedule::expression).containsExactly("cron(15 0/6 * * ? *)", "rate(10 minutes)");
        assertThat(r.schedules().getFirst().zone()).isEqualTo(ZoneId.of("America/New_York"));
    }

    @ParameterizedTest(name = "crontab refuses: {0}")
    @CsvSource(delimiter = '|', value = {
            "@reboot python manage.py warm_cache|@reboot runs at boot",
            "@fortnightly python manage.py x|unknown macro @fortnightly",
            "0 0 */2 * MON python manage.py x|EventBridge can restrict only one of day-of-month and day-of-week",
            "5/10 * * * * python manage.py x|uses N/step",
            "0 0 * * FRI-MON python manage.py x|wraps around",
            "61 * * * * python manage.py x|minute value 61",
            "0 24 * * * python manage.py x|hour value 24",
            "0 0 * 13 * python manage.py x|month value 13",
            "0 0 * * 8 python manage.py x|day of week value 8",
            "0 0 * * python manage.py x|is not a value",
            "0 0 *|needs five time fields",
            "0 3 * * * /usr/local/bin/backup.sh|not a Django management command",
            "0 3 * * * python manage.py a && python manage.py b|shell pipeline",
            "0 3 * * * python manage.py dump; gzip /tmp/x|shell pipeline",
            "0 3 * * * python manage.py report $(date +%F)|unescaped '%'",
            "0 3 * * * python manage.py report $(hostname)|shell pipeline",
            "0 3 * * * python manage.py|names no management command",
            "0 3 * * * python manage.py ../etc|is not a management command name",
            "CRON_TZ=Mars/Olympus|is not a time zone id",
    })
    void crontab_refusal_namesLineAndReason(String line, String reason) {
        ConversionResult r = crontab("# header\n" + line);
        assertThat(r.schedules()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo("crontab:2");
            assertThat(e.reason()).contains(reason);
        });
    }

    @ParameterizedTest(name = "beat refuses: {0}")
    @CsvSource(delimiter = '|', value = {
            "30|smallest rate is 1 minute",
            "timedelta(seconds=30)|smallest rate is 1 minute",
            "timedelta(seconds=90)|not a whole number of minutes",
            "timedelta(minutes=-5)|not positive",
            "solar('sunrise', -37.81, 144.96)|solar() schedules",
            "crontab(minute=0, hour=0, day_of_week='mon', day_of_month='1,15')|Celery requires both day_of_month and day_of_week",
            "crontab(minute=0, day_of_week=7)|outside 0-6",
            "crontab(minute=0, hour=25)|hour value 25",
            "crontab(second=0)|argument 'second' is not supported",
            "schedule(run_every=timedelta(minutes=5), relative=True)|relative=True",
            "some_function()|is not crontab",
            "EVERY_FIVE|is not crontab",
    })
    void beat_refusal_namesEntryAndReason(String schedule, String reason) {
        ConversionResult r = beat(schedule);
        assertThat(r.schedules()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo("celery.py: entry 'nightly'");
            assertThat(e.reason()).contains(reason);
        });
    }

    @Test
    void beat_entryWithoutTask_andFileWithoutSchedule_areRefused() {
        assertThat(BeatParser.parse("b.py", "CELERY_BEAT_SCHEDULE = {'x': {'schedule': 60}}", ZoneOffset.UTC).errors())
                .singleElement().satisfies(e -> assertThat(e.message()).isEqualTo("b.py: entry 'x': has no 'task' string"));
        assertThat(BeatParser.parse("b.py", "DEBUG = True\n", ZoneOffset.UTC).errors())
                .singleElement().satisfies(e -> assertThat(e.reason()).contains("no CELERY_BEAT_SCHEDULE"));
        assertThat(BeatParser.parse("b.py", "beat_schedule = {'x': {'task': 'a', 'schedule': 'oops}}\n", ZoneOffset.UTC).errors())
                .singleElement().satisfies(e -> assertThat(e.message()).isEqualTo("b.py:1: unterminated string"));
    }

    @Test
    void writer_emitsScheduleResources_withTargetRetryDlqAndState() {
        ConversionResult r = crontab("30 2 * * * python manage.py clearsessions");
        String yaml = ScheduleTemplateWriter.write(r.schedules(), "crontab", ScheduleTemplateWriter.Options.defaults());
        assertThat(yaml).contains("  ScheduleClearsessions:\n    Type: AWS::Scheduler::Schedule\n")
                .contains("ScheduleExpression: 'cron(30 2 * * ? *)'")
                .contains("ScheduleExpressionTimezone: Z")
                .contains("Mode: \"OFF\"")
                .contains("State: !If [SchedulesEnabledCondition, ENABLED, DISABLED]")
                .contains("Arn: !Sub ${ScheduleHookFunction.Arn}:live")
                .contains("MaximumRetryAttempts: 3")
                .contains("Arn: !GetAtt SchedulerDLQ.Arn")
                .contains("Input: '{\"hook\":\"clearsessions\",\"mode\":\"call\",\"scheduled_time\":\"<aws.scheduler.scheduled-time>\"");
    }

    @Test
    void awsParser_rejectsInvalidExpressions() {
        for (String bad : List.of("cron(0 3 * * * *)", "cron(0 3 ? * ? *)", "cron(0 3 * *)", "rate(0 minutes)",
                "rate(1 minutes)", "rate(5 minute)", "rate(5 seconds)", "cron(0 3 ? * 8 *)")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AwsSchedule.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void awsEvaluator_dstGapSkipped_overlapOnce_rateFiresAtAnchor() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<Instant> spring = AwsScheduleEvaluator.fireTimes(AwsSchedule.parse("cron(30 2 * * ? *)"), berlin,
                Instant.parse("2026-03-28T00:00:00Z"), Instant.parse("2026-03-31T00:00:00Z"), null);
        assertThat(spring).containsExactly(Instant.parse("2026-03-28T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z"));
        List<Instant> autumn = AwsScheduleEvaluator.fireTimes(AwsSchedule.parse("cron(0/30 2 * * ? *)"), berlin,
                Instant.parse("2026-10-24T23:59:00Z"), Instant.parse("2026-10-25T03:00:00Z"), null);
        assertThat(autumn).containsExactly(Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T00:30:00Z"));
        Instant anchor = Instant.parse("2026-05-01T10:00:00Z");
        assertThat(AwsScheduleEvaluator.next(AwsSchedule.parse("rate(1 day)"), berlin, anchor.minusSeconds(1), anchor)).isEqualTo(anchor);
    }

    @Test
    void awsEvaluator_yearField_jumpsToTheNextAllowedYear_andEndsAfterTheLast() {
        ZoneId utc = ZoneId.of("UTC");
        Instant from = Instant.parse("2026-11-21T00:00:00Z");
        assertThat(AwsScheduleEvaluator.next(AwsSchedule.parse("cron(0 12 1 JAN ? 2030)"), utc, from, null))
                .isEqualTo(Instant.parse("2030-01-01T12:00:00Z"));
        assertThat(AwsScheduleEvaluator.next(AwsSchedule.parse("cron(0 12 * * ? 2028-2029)"), utc, from, null))
                .isEqualTo(Instant.parse("2028-01-01T12:00:00Z"));
        assertThat(AwsScheduleEvaluator.next(AwsSchedule.parse("cron(0 12 * * ? 2020-2025)"), utc, from, null)).isNull();
    }

    @Test
    void vixie_springForwardRunsFixedJobAtChange_fallBackRunsWildcardTwice() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        CronSpec fixed = CronSpec.unix("30", "2", "*", "*", "*");
        assertThat(VixieCronEvaluator.fireTimes(fixed, berlin, Instant.parse("2026-03-28T12:00:00Z"), Instant.parse("2026-03-29T12:00:00Z")))
                .containsExactly(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST, right after the change
        assertThat(VixieCronEvaluator.fireTimes(fixed, berlin, Instant.parse("2026-10-24T12:00:00Z"), Instant.parse("2026-10-25T12:00:00Z")))
                .containsExactly(Instant.parse("2026-10-25T00:30:00Z")); // first 02:30 only
        CronSpec wild = CronSpec.unix("*/30", "*", "*", "*", "*");
        assertThat(VixieCronEvaluator.fireTimes(wild, berlin, Instant.parse("2026-10-24T23:45:00Z"), Instant.parse("2026-10-25T02:00:00Z")))
                .containsExactly(Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T00:30:00Z"),
                        Instant.parse("2026-10-25T01:00:00Z"), Instant.parse("2026-10-25T01:30:00Z"), Instant.parse("2026-10-25T02:00:00Z"));
    }

    @Test
    void crontab_otherCommand_getsItsSchedule_withAHookNamedFromTheCommand_markedToWrite() {
        ParsedSchedules p = CrontabParser.parse("crontab", String.join("\n",
                "0 3 * * * /srv/app/bin/report --daily >> /var/log/report.log 2>&1",
                "15 4 * * * cd /srv/app && LANG=C python3 scripts/cleanup_tmp.py --older-than 7",
                "30 4 * * * pg_dump shop | gzip > /backups/shop.sql.gz",
                "45 4 * * * python manage.py a && python manage.py b",
                "0 5 * * * ./manage.py clearsessions"), ZoneOffset.UTC, false);
        assertThat(p.errors()).isEmpty();
        assertThat(p.entries()).extracting(SourceEntry::hook, e -> e.args().toString(), SourceEntry::hookToWrite).containsExactly(
                org.assertj.core.groups.Tuple.tuple("report", "[\"--daily\"]", true),
                org.assertj.core.groups.Tuple.tuple("cleanup_tmp", "[\"--older-than\",\"7\"]", true),
                org.assertj.core.groups.Tuple.tuple("pg_dump", "[]", true),
                org.assertj.core.groups.Tuple.tuple("a", "[]", true),
                org.assertj.core.groups.Tuple.tuple("clearsessions", "[]", false));
        ConversionResult r = CONVERTER.convert(p.entries());
        assertThat(r.schedules().getFirst().expression()).isEqualTo("cron(0 3 * * ? *)");
        String yaml = ScheduleTemplateWriter.write(r.schedules(), "crontab", ScheduleTemplateWriter.Options.defaults());
        assertThat(yaml).contains("  # WRITE IN DJANGO: @outrigger_hook(\"report\") in an installed app's outrigger_tasks.py, to do what")
                .contains("Input: '{\"hook\":\"report\",\"mode\":\"call\"");
        assertThat(yaml.split("WRITE IN DJANGO", -1)).hasSize(5);
    }

    @Test
    void crontab_strict_refusesOtherCommands_asBefore() {
        ConversionResult r = crontab("0 3 * * * /srv/app/bin/report");
        assertThat(r.schedules()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.reason()).contains("not a Django management command"));
    }

    @Test
    void beat_json_fromTheExport_carriesZoneWindowStateNotesAndClockedTimes() {
        ParsedSchedules p = BeatParser.parse("beat.json", """
                {"timezone": "Europe/Berlin", "beat_schedule": {
                  "market": {"source": "django_celery_beat: PeriodicTask 2 'market'", "task": "prices.fetch",
                             "schedule": {"crontab": {"minute": "30", "hour": "9", "day_of_week": "mon-fri"}},
                             "timezone": "America/New_York", "start_time": "2027-03-01T14:30:00Z",
                             "expires": "2027-10-01T00:00:00Z", "notes": ["options.priority=5 is not carried"]},
                  "paused": {"task": "x.y", "schedule": {"timedelta": {"seconds": 3600}}, "enabled": false},
                  "launch": {"task": "mail.launch", "schedule": {"clocked": "2027-05-03T07:00:00Z"}}},
                 "refused": [{"name": "dusk", "source": "django_celery_beat: PeriodicTask 9 'dusk'", "reason": "solar schedule"}]}
                """, ZoneOffset.UTC);
        assertThat(p.errors()).extracting(ScheduleError::message)
                .containsExactly("beat.json: entry 'dusk' (django_celery_beat: PeriodicTask 9 'dusk'): solar schedule");
        SourceEntry market = p.entries().getFirst();
        assertThat(market.location()).isEqualTo("beat.json: entry 'market' (django_celery_beat: PeriodicTask 2 'market')");
        assertThat(market.zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(market.start()).isEqualTo(Instant.parse("2027-03-01T14:30:00Z"));
        assertThat(market.end()).isEqualTo(Instant.parse("2027-10-01T00:00:00Z"));
        ConversionResult r = CONVERTER.convert(p.entries());
        assertThat(r.schedules()).extracting(ConvertedSchedule::expression)
                .containsExactly("cron(30 9 ? * MON-FRI *)", "rate(1 hour)", "at(2027-05-03T07:00:00)");
        assertThat(r.schedules().getFirst().notes()).first().isEqualTo("options.priority=5 is not carried");
        assertThat(r.schedules().get(1).source().enabled()).isFalse();
        assertThat(r.schedules().get(2).zone()).isEqualTo(ZoneOffset.UTC);
        List<Instant> fires = ScheduleConverter.deployedFireTimes(r.schedules().subList(0, 1),
                Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(fires.getFirst()).isEqualTo(Instant.parse("2027-03-01T14:30:00Z"));
        assertThat(fires.getLast()).isEqualTo(Instant.parse("2027-09-30T13:30:00Z"));
        assertThat(ScheduleConverter.deployedFireTimes(r.schedules().subList(1, 2), Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"))).as("DISABLED").isEmpty();
    }

    @Test
    void beat_startTimeAfterExpires_isRefused() {
        ConversionResult r = CONVERTER.convert(BeatParser.parse("beat.json", """
                {"beat_schedule": {"x": {"task": "a.b", "schedule": 3600, "start_time": "2027-05-01T00:00:00Z",
                 "expires": "2027-04-01T00:00:00Z"}}}""", ZoneOffset.UTC).entries());
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.reason()).contains("is not after start_time"));
    }

    @Test
    void beat_intervalInADstZone_isWarnedThatCeleryFollowsTheWallClock() {
        ParsedSchedules p = BeatParser.parse("celery.py", "timezone = 'Europe/Berlin'\nbeat_schedule = {'sync': {'task': 'a.b', "
                + "'schedule': timedelta(hours=2)}}", ZoneOffset.UTC);
        ConvertedSchedule s = CONVERTER.convert(p.entries()).schedules().getFirst();
        assertThat(s.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("on the wall clock of Europe/Berlin").contains("For example on 2026-03-29"));
        assertThat(beat("timedelta(hours=2)").schedules().getFirst().warnings()).as("in UTC").isEmpty();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> unevaluable() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("""
                        CELERY_BEAT_SCHEDULE = {}
                        CELERY_BEAT_SCHEDULE['ping'] = {'task': 'a', 'schedule': 60}
                        """, "b.py:2", "assigns entries into CELERY_BEAT_SCHEDULE one by one"),
                org.junit.jupiter.params.provider.Arguments.of("""
                        CELERY_BEAT_SCHEDULE = {}
                        CELERY_BEAT_SCHEDULE.update(EXTRA)
                        """, "b.py:2", "changes the beat schedule with update()"),
                org.junit.jupiter.params.provider.Arguments.of("""
                        PERIOD = 60
                        CELERY_BEAT_SCHEDULE = {'ping': {'task': 'a', 'schedule': PERIOD}}
                        """, "b.py: entry 'ping'", "schedule PERIOD is not crontab"),
                org.junit.jupiter.params.provider.Arguments.of("""
                        CELERY_BEAT_SCHEDULE = {'r': {'task': 'a', 'schedule': crontab(hour=env.int('H', 3))}}
                        """, "b.py: entry 'r'", "crontab(hour=env.int('H', 3)) is a call"),
                org.junit.jupiter.params.provider.Arguments.of("""
                        CELERY_BEAT_SCHEDULE = build_schedule()
                        """, "b.py:1", "CELERY_BEAT_SCHEDULE = build_schedule() is not a dict literal"));
    }

    @ParameterizedTest(name = "beat file needs the export: {1} {2}")
    @org.junit.jupiter.params.provider.MethodSource("unevaluable")
    void beat_pythonThisReaderCannotEvaluate_saysSo_andPointsToTheExportCommand(String source, String location, String what) {
        ParsedSchedules p = BeatParser.parse("b.py", source, ZoneOffset.UTC);
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.needsExport()).isTrue();
            assertThat(e.location()).isEqualTo(location);
            assertThat(e.reason()).contains(what).contains("only Python can evaluate")
                    .contains("python manage.py outrigger_export_beat > beat.json");
        });
    }
}
