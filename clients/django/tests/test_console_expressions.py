"""The Schedules page's next fire times for EventBridge Scheduler expressions, in the schedule's time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from outrigger_django.console.expressions import Unsupported, next_fires

AFTER = datetime(2026, 3, 27, 12, 0, tzinfo=timezone.utc)  # a Friday, two days before Europe's spring-forward


def fires(*args, **kwargs):
    return [t.strftime("%Y-%m-%d %H:%M %Z") for t in next_fires(*args, after=AFTER, **kwargs)]


def test_a_daily_cron_fires_the_next_three_days():
    assert fires("cron(0 3 * * ? *)", "UTC") == ["2026-03-28 03:00 UTC", "2026-03-29 03:00 UTC", "2026-03-30 03:00 UTC"]


def test_a_wall_time_that_daylight_saving_skips_does_not_fire():
    # 02:30 does not exist in Berlin on 2026-03-29
    assert fires("cron(30 2 * * ? *)", "Europe/Berlin") == [
        "2026-03-28 02:30 CET", "2026-03-30 02:30 CEST", "2026-03-31 02:30 CEST"]


def test_days_of_the_week_count_from_sunday_and_take_names():
    assert fires("cron(0 7 ? * MON *)", "Europe/Berlin")[0] == "2026-03-30 07:00 CEST"
    assert fires("cron(0 9 ? * 2-6 *)", "UTC") == fires("cron(0 9 ? * MON-FRI *)", "UTC")


def test_last_weekday_of_the_month_and_nth_weekday():
    assert fires("cron(0 12 ? * 6L *)", "UTC") == ["2026-04-24 12:00 UTC", "2026-05-29 12:00 UTC", "2026-06-26 12:00 UTC"]
    assert fires("cron(0 12 ? * 2#1 *)", "UTC")[0] == "2026-04-06 12:00 UTC"


def test_steps_within_the_hour():
    assert fires("cron(0/5 * * * ? *)", "UTC") == ["2026-03-27 12:05 UTC", "2026-03-27 12:10 UTC", "2026-03-27 12:15 UTC"]


def test_a_rate_counts_from_the_schedules_start_and_without_one_gives_nothing():
    start = datetime(2026, 3, 27, 11, 58, tzinfo=timezone.utc)
    assert fires("rate(5 minutes)", "UTC", start=start) == [
        "2026-03-27 12:03 UTC", "2026-03-27 12:08 UTC", "2026-03-27 12:13 UTC"]
    assert fires("rate(1 hour)", "UTC") == []


def test_a_one_time_schedule_fires_once_in_its_zone_or_never_when_past():
    assert next_fires("at(2026-04-01T09:00:00)", "Europe/Berlin", after=AFTER) == [
        datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))]
    assert next_fires("at(2026-03-01T09:00:00)", "UTC", after=AFTER) == []


def test_a_form_not_evaluated_is_refused_rather_than_guessed():
    # LW is not among the wildcards EventBridge documents; the local scheduler refuses it too
    with pytest.raises(Unsupported):
        next_fires("cron(0 9 LW * ? *)", "UTC", after=AFTER)
