"""manage.py outrigger_export_beat against real Celery and django-celery-beat (Debian sid's python3-celery 5.6 and
python3-django-celery-beat 2.9, beside Django 5.2 and 6.1), and Celery's own fire times for a year.

The test project's Celery app (testproject/celery.py) reads a beat schedule from settings written the way settings
files write it (entry by entry, through names, from the environment); the tests add django-celery-beat rows of every
kind. test_export_and_celerys_fire_times_match_the_fixture writes nothing: it checks that the export and the fire
times Celery computes for 2027 (beat's own entries, driven by is_due() on a virtual clock) equal the files in
tests/fixtures/celery-beat/, which the Java CeleryExportEquivalenceTest converts and compares with EventBridge
Scheduler's fire times. When Celery or the fixture project changes, regenerate them with
    OUTRIGGER_WRITE_FIXTURES=1 clients/django/run-tests.sh --django 6.1 -k fixture
and review the diff.
"""
import importlib.util
import io
import json
import os
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import django
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

if not (importlib.util.find_spec("celery") and importlib.util.find_spec("django_celery_beat")):
    # the sid root has both for Django 5.2 and 6.1; there is no Celery for the host's Python (Django 4.2)
    if os.environ.get("CI") == "true" and django.VERSION >= (5, 2):
        pytest.fail("Celery and django-celery-beat must be installed for this Django (install-deps.sh)",
                    pytrace=False)
    pytest.skip("Celery and django-celery-beat are not installed for this Python", allow_module_level=True)

from celery.beat import ScheduleEntry  # noqa: E402
from django_celery_beat.models import (  # noqa: E402
    ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule,
)
from django_celery_beat.schedulers import ModelEntry  # noqa: E402

from outrigger_django import celery_beat  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "celery-beat"
FROM = datetime(2027, 1, 1, tzinfo=dt_timezone.utc)
TO = datetime(2028, 1, 1, tzinfo=dt_timezone.utc)
UTC = dt_timezone.utc


def _rows():
    """django-celery-beat rows of every kind, as the admin would save them."""
    berlin, new_york = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")

    def cron(minute="*", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", tz=berlin):
        return CrontabSchedule.objects.create(minute=minute, hour=hour, day_of_week=day_of_week,
                                              day_of_month=day_of_month, month_of_year=month_of_year, timezone=tz)

    PeriodicTask.objects.create(name="monthly-invoices", task="billing.invoices", crontab=cron("0", "8", day_of_month="1"),
                                kwargs=json.dumps({"dry_run": False}), queue="heavy")
    # start_time on one of its own times: beat's first run then is a crontab time too
    PeriodicTask.objects.create(name="us-market-open", task="prices.fetch",
                                crontab=cron("30", "9", day_of_week="mon-fri", tz=new_york),
                                start_time=datetime(2027, 3, 1, 14, 30, tzinfo=UTC),
                                expires=datetime(2027, 10, 1, tzinfo=UTC), args=json.dumps(["NYSE"]))
    PeriodicTask.objects.create(name="sync-every-2h", task="sync.run",
                                interval=IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS),
                                start_time=datetime(2027, 2, 1, 6, 0, tzinfo=UTC))
    PeriodicTask.objects.create(name="poll-every-45m", task="sync.poll", priority=5, exchange="polls",
                                interval=IntervalSchedule.objects.create(every=45, period=IntervalSchedule.MINUTES))
    PeriodicTask.objects.create(name="launch-mail", task="mail.launch", one_off=True,
                                clocked=ClockedSchedule.objects.create(clocked_time=datetime(2027, 5, 3, 7, 0, tzinfo=UTC)))
    PeriodicTask.objects.create(name="early-sessions", task="sessions.clear", crontab=cron("30", "2"))
    PeriodicTask.objects.create(name="paused-export", task="export.run", enabled=False, crontab=cron("0", "12"))
    PeriodicTask.objects.create(name="sunset-lights", task="lights.on", solar=SolarSchedule.objects.create(
        event="sunset", latitude="52.52", longitude="13.40"))
    PeriodicTask.objects.create(name="once-soon", task="mail.once", one_off=True,
                                interval=IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES))
    PeriodicTask.objects.create(name="old-campaign", task="mail.campaign", crontab=cron("0", "9"),
                                expires=datetime(2026, 6, 1, tzinfo=UTC))


def _export(now=FROM, **options):
    name, app = celery_beat.load_app(None)
    return celery_beat.export(app, name, now=now, **options), app


# ------------------------------------------------------------------------------------------------ Celery's fire times

class VirtualClock:
    def __init__(self, start):
        self.now = start


def _fire_times(entry, clock, refresh):
    """When beat runs entry between FROM and TO: Scheduler.tick's loop on a virtual clock. is_due() says whether
    the entry is due now and how long until it may be; a due entry runs and becomes next(entry), as beat does.

    Beat sleeps at most max_interval between checks (5 s for django-celery-beat's scheduler). Between two checks
    nothing changes for a schedule whose is_due() is exact, so the loop jumps over them, except before a row's
    start_time: django-celery-beat's wait then is not the time to start_time, and the check that runs the row is
    the first one at or after it, which the loop jumps to instead (FROM and the start times are on the 5 s grid)."""
    fires = []
    while clock.now <= TO:
        if isinstance(entry, ModelEntry) and not entry.model.enabled:
            break   # beat re-checks a disabled row every 5 s and never runs it
        due, wait = entry.is_due()
        if due:
            fires.append(clock.now)
            # what Scheduler.reserve() does: the entry that ran, with last_run_at = now and the count one up
            # (beat's clock, app.now(), reads the app's zone: a crontab's hours are those of last_run_at's zone)
            entry = refresh(next(entry) if isinstance(entry, ModelEntry)
                            else entry._next_instance(clock.now.astimezone(entry.app.timezone)))
            continue
        start = entry.model.start_time if isinstance(entry, ModelEntry) else None
        if start is not None and clock.now < start:
            wait = min(wait, (start - clock.now).total_seconds())
        clock.now += timedelta(seconds=wait)
    return [t for t in fires if FROM < t <= TO]


def celerys_fire_times(app, exported):
    """{entry name: fire times} for the exported entries of the app's beat_schedule and PeriodicTasks, from Celery's
    own code, as runs of evenly spaced instants: [first, step in seconds, count]."""
    out = {}
    for name, spec in app.conf.beat_schedule.items():
        if name not in exported:
            continue
        clock = VirtualClock(FROM)

        def settings_entry(e, clock=clock):
            e.schedule.nowfun = lambda: clock.now.astimezone(app.timezone)
            return e

        entry = settings_entry(ScheduleEntry(name=name, last_run_at=FROM.astimezone(app.timezone), app=app, **spec))
        out[name] = _runs(_fire_times(entry, clock, settings_entry))
    for row in PeriodicTask.objects.filter(name__in=exported).order_by("pk"):
        if row.interval_id and row.start_time is None:
            row.last_run_at = FROM   # as if beat had just started (its first run is one interval later)
            row.save(update_fields=["last_run_at"])
        clock = VirtualClock(FROM)

        def model_entry(e, clock=clock):
            tz = getattr(e.schedule, "tz", None) or app.timezone
            e.schedule.nowfun = lambda: clock.now.astimezone(tz)
            e._default_now = lambda: clock.now.astimezone(app.timezone)
            return e

        out[row.name] = _runs(_fire_times(model_entry(ModelEntry(row, app=app)), clock, model_entry))
    return out


def _runs(instants):
    """[[first ISO instant, step s, count], ...]: a year of a 5-minute schedule is one line, not 105,120."""
    runs = []
    for t in instants:
        if runs:
            first, step, count = runs[-1]
            gap = (t - (first + timedelta(seconds=step * (count - 1)))).total_seconds()
            if count == 1 or gap == step:
                runs[-1] = [first, gap, count + 1]
                continue
        runs.append([t, 0, 1])
    return [[_iso(first), int(step), count] for first, step, count in runs]


def _iso(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------------------------------------- tests

@pytest.mark.django_db
def test_export_and_celerys_fire_times_match_the_fixture():
    _rows()
    exported, app = _export()
    fires = {"from": _iso(FROM), "to": _iso(TO),
             "celery": {"celery": _version("celery"), "django_celery_beat": _version("django_celery_beat")},
             "fires": celerys_fire_times(app, exported["beat_schedule"])}
    files = {"export.json": celery_beat.dumps(exported),
             "celery-fire-times.json": _dumps_runs(fires)}
    if os.environ.get("OUTRIGGER_WRITE_FIXTURES") == "1":
        FIXTURES.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (FIXTURES / name).write_text(text, encoding="utf-8")
    for name, text in files.items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text, (
            f"{FIXTURES / name} is not what Celery gives now; see this module's docstring to regenerate it")


def _dumps_runs(fires):
    """JSON with one run a line, so a diff shows which fire times changed."""
    lines = [json.dumps({k: v for k, v in fires.items() if k != "fires"})[:-1] + ', "fires": {']
    names = list(fires["fires"])
    for n, name in enumerate(names):
        runs = fires["fires"][name]
        lines.append(f"  {json.dumps(name)}: [" + ("" if runs else "]" + ("," if n < len(names) - 1 else "")))
        for r, run in enumerate(runs):
            last = r == len(runs) - 1
            lines.append(f"    {json.dumps(run)}" + ("" if last else ","))
        if runs:
            lines.append("  ]" + ("," if n < len(names) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def _version(module):
    return importlib.import_module(module).__version__


@pytest.mark.django_db
def test_export_reads_every_kind_of_row_and_says_where_each_entry_came_from():
    _rows()
    document, _ = _export()
    entries = document["beat_schedule"]
    assert document["timezone"] == "Europe/Berlin" and document["celery_app"] == "testproject"
    assert entries["monthly-invoices"] == {
        "source": f"django_celery_beat: PeriodicTask {PeriodicTask.objects.get(name='monthly-invoices').pk} "
                  "'monthly-invoices'",
        "task": "billing.invoices",
        "schedule": {"crontab": {"minute": "0", "hour": "8", "day_of_week": "*", "day_of_month": "1",
                                 "month_of_year": "*"}},
        "timezone": "Europe/Berlin", "args": [], "kwargs": {"dry_run": False}, "options": {"queue": "heavy"}}
    market = entries["us-market-open"]
    assert (market["timezone"], market["start_time"], market["expires"], market["args"]) == (
        "America/New_York", "2027-03-01T14:30:00Z", "2027-10-01T00:00:00Z", ["NYSE"])
    assert entries["sync-every-2h"]["schedule"] == {"timedelta": {"seconds": 7200}}
    assert entries["launch-mail"]["schedule"] == {"clocked": "2027-05-03T07:00:00Z"}
    assert entries["paused-export"]["enabled"] is False
    assert entries["poll-every-45m"]["notes"] == [
        "options.exchange='polls' is not carried: there are no exchanges: options.queue picks the Outrigger queue",
        "options.priority=5 is not carried: SQS has no message priority"]
    # settings entries, evaluated: the hour comes from the environment, the interval from a name
    assert entries["nightly-report"]["schedule"]["crontab"]["hour"] == 4
    assert entries["nightly-report"]["source"] == "settings: beat_schedule['nightly-report']"
    assert entries["ping"]["schedule"] == {"timedelta": {"seconds": 300}}
    assert entries["weekly-digest"]["options"] == {"queue": "heavy"}


@pytest.mark.django_db
def test_entries_eventbridge_cannot_express_are_listed_with_the_reason_and_the_rest_exported():
    _rows()
    document, _ = _export()
    refused = {r["name"]: r for r in document["refused"]}
    assert set(refused) == {"sunset-lights", "once-soon", "old-campaign", "at-dawn"}
    assert "solar schedule (sunset at 52.52" in refused["sunset-lights"]["reason"]
    assert refused["sunset-lights"]["source"].startswith("django_celery_beat: PeriodicTask ")
    assert "give the row a ClockedSchedule" in refused["once-soon"]["reason"]
    assert "expired at 2026-06-01T00:00:00Z" in refused["old-campaign"]["reason"]
    assert refused["at-dawn"]["source"] == "settings: beat_schedule['at-dawn']"
    assert set(document["beat_schedule"]) == {
        "nightly-report", "ping", "weekly-digest", "quarter-hours-at-night", "too-often", "monthly-invoices",
        "us-market-open", "sync-every-2h", "poll-every-45m", "launch-mail", "early-sessions", "paused-export"}


@pytest.mark.django_db
def test_a_clocked_time_that_has_passed_is_refused():
    _rows()
    document, _ = _export(now=datetime(2027, 6, 1, tzinfo=UTC))
    (launch,) = [r for r in document["refused"] if r["name"] == "launch-mail"]
    assert "clocked at 2027-05-03T07:00:00Z, which has passed" in launch["reason"]


@pytest.mark.django_db
def test_a_never_run_crontab_row_with_a_start_time_gets_a_note_about_beats_first_run():
    PeriodicTask.objects.create(name="later", task="x.y", start_time=datetime(2030, 1, 1, tzinfo=UTC),
                                crontab=CrontabSchedule.objects.create(minute="0", hour="9", timezone=ZoneInfo("UTC")))
    (note,) = _export()[0]["beat_schedule"]["later"]["notes"]
    assert "once at start_time itself" in note


@pytest.mark.django_db
def test_a_settings_entry_beat_copied_into_the_table_is_exported_once_with_the_rows_enabled_flag():
    PeriodicTask.objects.create(name="ping", task="health.ping", enabled=False, interval=IntervalSchedule.objects.create(
        every=5, period=IntervalSchedule.MINUTES))
    entry = _export()[0]["beat_schedule"]["ping"]
    assert entry["enabled"] is False
    assert entry["source"].startswith("settings: beat_schedule['ping'], also django_celery_beat PeriodicTask ")


@pytest.mark.django_db
def test_celerys_backend_cleanup_row_is_refused_as_celerys_own():
    PeriodicTask.objects.create(name="celery.backend_cleanup", task="celery.backend_cleanup",
                                crontab=CrontabSchedule.objects.create(minute="0", hour="4"))
    (refused,) = [r for r in _export()[0]["refused"] if r["name"] == "celery.backend_cleanup"]
    assert "outrigger-prune" in refused["reason"]


@pytest.mark.django_db
def test_the_command_writes_the_json_and_lists_refusals_on_stderr(tmp_path):
    _rows()
    out, err = io.StringIO(), io.StringIO()
    call_command("outrigger_export_beat", stdout=out, stderr=err)
    document = json.loads(out.getvalue())
    assert document["exported_by"] == "manage.py outrigger_export_beat"
    assert "refused: sunset-lights (django_celery_beat: PeriodicTask " in err.getvalue()
    assert err.getvalue().rstrip().endswith("exported, 4 refused")
    target = tmp_path / "beat.json"
    call_command("outrigger_export_beat", "--app", "testproject.celery:app", "--no-database", "-o", str(target),
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert set(json.loads(target.read_text())["beat_schedule"]) == {
        "nightly-report", "ping", "weekly-digest", "quarter-hours-at-night", "too-often"}


def test_the_command_says_when_there_is_no_celery_app_there():
    with pytest.raises(CommandError, match=r"no Celery app at 'testapp'.*celery -A"):
        call_command("outrigger_export_beat", "--app", "testapp", stdout=io.StringIO())
