"""Reads a live Celery beat schedule: the Celery app's beat_schedule (however settings build it) and the
django-celery-beat tables, into the JSON that `outrigger schedules convert --format beat` reads.

    {"exported_by": "manage.py outrigger_export_beat", "celery_app": "mysite.celery:app", "timezone": "Europe/Berlin",
     "beat_schedule": {"<name>": {"source": "...", "task": "...", "schedule": {...}, "timezone": "...",
                                  "args": [...], "kwargs": {...}, "options": {"queue": "..."},
                                  "enabled": false, "start_time": "...Z", "expires": "...Z", "notes": ["..."]}},
     "refused": [{"name": "...", "source": "...", "reason": "..."}]}

A schedule is {"crontab": {minute, hour, day_of_week, day_of_month, month_of_year}} (as Celery was given them),
{"timedelta": {"seconds": n}}, or {"clocked": "<UTC instant>"}; "relative": true marks Celery's relative intervals.
"timezone" is the zone a crontab runs in. An entry that EventBridge Scheduler cannot express (solar, a one-off crontab,
a clocked time that has passed, ...) is listed under "refused" with the reason; the rest are still exported.
Options Outrigger has no use for (priority, exchange, ...) are named in the entry's "notes", never dropped unsaid.
"""
import json
import os
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.apps import apps
from django.conf import settings

EXPORTED_BY = "manage.py outrigger_export_beat"

# Celery's own periodic task, which beat adds when results expire (celery/beat.py, install_default_entries)
BACKEND_CLEANUP = "celery.backend_cleanup"

# what beat passes on besides the queue, and why Outrigger does without (README: "From Celery")
_IGNORED_OPTIONS = {
    "priority": "SQS has no message priority",
    "exchange": "there are no exchanges: options.queue picks the Outrigger queue",
    "routing_key": "there are no exchanges: options.queue picks the Outrigger queue",
    "headers": "message headers are not carried",
    "expires": "a job does not expire: EventBridge Scheduler's MaximumEventAgeInSeconds bounds late deliveries",
    "expire_seconds": "a job does not expire: EventBridge Scheduler's MaximumEventAgeInSeconds bounds late deliveries",
}


class ExportError(Exception):
    """The Celery app can't be found or read: nothing was exported."""


def load_app(spec=None):
    """The project's Celery app, found as `celery -A` finds it (celery.app.utils.find_app): spec, else the
    environment's CELERY_APP, else the package of the Django settings module (the app `<project>/celery.py` defines
    and `<project>/__init__.py` usually imports)."""
    try:
        from celery.app.utils import find_app
    except ImportError as e:
        raise ExportError(f"Celery does not import here ({e}): run the export where the project's Celery runs") from e
    spec = spec or os.environ.get("CELERY_APP") or settings.SETTINGS_MODULE.rpartition(".")[0]
    if not spec:
        raise ExportError("no Celery app: give --app (as celery -A takes it, e.g. mysite or mysite.celery:app)")
    try:
        app = find_app(spec)
    except (ImportError, AttributeError) as e:
        raise ExportError(f"no Celery app at {spec!r} ({e}): give --app as celery -A takes it, e.g. "
                          "mysite.celery:app") from e
    from celery import Celery

    if not isinstance(app, Celery):
        raise ExportError(f"{spec!r} is {type(app).__name__}, not a Celery app")
    return spec, app


def export(app, app_name, *, include_settings=True, include_database=True, now=None):
    """The export document for the app (see the module docstring)."""
    now = now or datetime.now(dt_timezone.utc)
    beat_zone = _zone_name(app.timezone)
    document = {"exported_by": EXPORTED_BY, "celery_app": app_name}
    if beat_zone:
        document["timezone"] = beat_zone
    entries, refused = {}, []

    def add(name, source, build):
        try:
            entry = build()
        except Refused as r:
            refused.append({"name": name, "source": source, "reason": str(r)})
            return
        entries[name] = {"source": source, **entry}

    rows = _periodic_tasks() if include_database else {}
    if include_settings:
        for name, spec in (app.conf.beat_schedule or {}).items():
            source = f"settings: beat_schedule[{name!r}]"
            row = rows.pop(name, None)
            if row is not None:
                # DatabaseScheduler copies the settings' entries into its table (by name) each time beat starts
                source += f", also django_celery_beat PeriodicTask {row.pk} (its enabled flag is used)"
            add(name, source, lambda spec=spec, row=row: _settings_entry(app, spec, row, beat_zone, now))
    for name, row in rows.items():
        add(name, f"django_celery_beat: PeriodicTask {row.pk} {name!r}", lambda row=row: _row_entry(row, beat_zone, now))
    document["beat_schedule"] = entries
    document["refused"] = refused
    return document


def dumps(document):
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class Refused(Exception):
    """This entry has no EventBridge equivalent; the reason says why."""


def _periodic_tasks():
    if not apps.is_installed("django_celery_beat"):
        return {}
    from django_celery_beat.models import PeriodicTask

    related = ("crontab", "interval", "solar", "clocked")
    return {row.name: row for row in PeriodicTask.objects.select_related(*related).order_by("pk")}


def _settings_entry(app, spec, row, beat_zone, now):
    from celery.schedules import maybe_schedule

    if not isinstance(spec, dict) or not spec.get("task"):
        raise Refused("is not a dict with 'task' and 'schedule'")
    _not_backend_cleanup(spec["task"])
    schedule = maybe_schedule(spec.get("schedule"), spec.get("relative", False), app=app)
    entry = {"task": spec["task"], **_schedule(schedule, beat_zone)}
    entry["args"] = _jsonable(list(spec.get("args") or ()), "args")
    entry["kwargs"] = _jsonable(dict(spec.get("kwargs") or {}), "kwargs")
    entry.update(_options(dict(spec.get("options") or {})))
    if row is not None and not row.enabled:
        entry["enabled"] = False
    return entry


def _row_entry(row, beat_zone, now):
    _not_backend_cleanup(row.task)
    if row.solar_id:
        s = row.solar
        raise Refused(f"solar schedule ({s.event} at {s.latitude}, {s.longitude}): EventBridge Scheduler has no "
                      "sunrise or sunset; pick fixed times per season with crontab entries")
    if row.clocked_id:
        when = row.clocked.clocked_time
        if when <= now:
            raise Refused(f"clocked at {_instant(when)}, which has passed (beat ran it, or runs it at once when it "
                          "starts); EventBridge Scheduler never fires a one-time schedule in the past: publish the job "
                          "now if it still has to run (manage.py outrigger_publish)")
        entry = {"schedule": {"clocked": _instant(when)}}
    elif row.one_off:
        raise Refused("one_off runs once at the next time of its schedule after beat starts, which depends on when "
                      "that is; EventBridge Scheduler needs the time: give the row a ClockedSchedule")
    elif row.crontab_id:
        c = row.crontab
        entry = {"schedule": {"crontab": {"minute": c.minute, "hour": c.hour, "day_of_week": c.day_of_week,
                                          "day_of_month": c.day_of_month, "month_of_year": c.month_of_year}},
                 "timezone": _zone_name(c.timezone)}
        if entry["timezone"] is None:
            raise Refused(f"crontab time zone {c.timezone!r} is not an IANA zone")
    elif row.interval_id:
        i = row.interval
        entry = {"schedule": {"timedelta": {"seconds": _seconds(timedelta(**{i.period: i.every}))}},
                 **_interval_zone(beat_zone)}
    else:
        raise Refused("has no schedule (no crontab, interval, solar or clocked)")
    if row.expires is not None and row.expires <= now:
        raise Refused(f"expired at {_instant(row.expires)}: beat no longer runs it")
    try:
        args, kwargs = json.loads(row.args or "[]"), json.loads(row.kwargs or "{}")
    except ValueError as e:
        raise Refused(f"args/kwargs are not JSON ({e}); beat disables such a row")
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise Refused("args must be a JSON array and kwargs a JSON object")
    options = {"queue": row.queue, "exchange": row.exchange, "routing_key": row.routing_key,
               "priority": row.priority, "expire_seconds": row.expire_seconds,
               "headers": json.loads(row.headers or "{}") or None}
    entry = {"task": row.task, **entry, "args": args, "kwargs": kwargs, **_options(options)}
    if not row.enabled:
        entry["enabled"] = False
    if row.start_time is not None:
        entry["start_time"] = _instant(row.start_time)
        if row.crontab_id and row.last_run_at is None:
            entry.setdefault("notes", []).append(
                "beat runs a never-run row once at start_time itself (it treats it as overdue), then at the crontab's "
                "times; EventBridge Scheduler fires only at the crontab's times from StartDate on")
    if row.expires is not None:
        entry["expires"] = _instant(row.expires)
    return entry


def _not_backend_cleanup(task):
    if task == BACKEND_CLEANUP:
        raise Refused("celery.backend_cleanup is Celery's own result cleanup; Outrigger's outrigger-prune schedule "
                      "prunes its job-run table instead")


def _schedule(schedule, beat_zone):
    """{"schedule": ..., ["timezone"], ["relative"]} for a Celery schedule object, or Refused."""
    from celery import schedules

    if isinstance(schedule, schedules.crontab):
        zone = _zone_name(schedule.tz) or beat_zone
        if zone is None:
            raise Refused("the crontab runs in the server's local time (enable_utc=False and no timezone setting); "
                          "set Celery's timezone (CELERY_TIMEZONE) to an IANA zone")
        fields = {name: _cron_value(getattr(schedule, "_orig_" + name))
                  for name in ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")}
        return {"schedule": {"crontab": fields}, "timezone": zone}
    if isinstance(schedule, schedules.solar):
        raise Refused(f"solar schedule ({schedule.event} at {schedule.lat}, {schedule.lon}): EventBridge Scheduler "
                      "has no sunrise or sunset; pick fixed times per season with crontab entries")
    if type(schedule) is schedules.schedule:
        out = {"schedule": {"timedelta": {"seconds": _seconds(schedule.run_every)}}, **_interval_zone(beat_zone)}
        if schedule.relative:
            out["relative"] = True
        return out
    try:
        from django_celery_beat.clockedschedule import clocked
    except ImportError:
        clocked = ()
    if clocked and isinstance(schedule, clocked):
        return {"schedule": {"clocked": _instant(schedule.clocked_time)}}
    raise Refused(f"schedule {schedule!r} ({type(schedule).__module__}.{type(schedule).__qualname__}) is not a "
                  "crontab, an interval or a clocked time")


def _interval_zone(beat_zone):
    """Celery adds an interval to the last run on the wall clock of the app's zone (celery.utils.time.remaining), so
    at a DST change one interval is an hour shorter or longer: the zone says where, for the converter's warning."""
    return {"timezone": beat_zone} if beat_zone else {}


def _options(options):
    out, notes = {}, []
    queue = options.pop("queue", None)
    if queue:
        out["options"] = {"queue": queue}
    for name, value in sorted(options.items()):
        if value in (None, "", {}, []):
            continue
        notes.append(f"options.{name}={value!r} is not carried: {_IGNORED_OPTIONS.get(name, 'Outrigger has no such option')}")
    if notes:
        out["notes"] = notes
    return out


def _cron_value(value):
    """A crontab field as Celery was given it: a string or an int as is, a collection of ints as a sorted list."""
    if isinstance(value, (str, int)):
        return value
    return sorted(int(v) for v in value)


def _seconds(delta):
    seconds = delta.total_seconds()
    return int(seconds) if seconds == int(seconds) else seconds


def _jsonable(value, what):
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as e:
        raise Refused(f"{what} are not JSON ({e}); a job carries JSON arguments")


def _zone_name(tz):
    """An IANA zone name for a tzinfo (zoneinfo, pytz, dateutil, UTC), or None (e.g. the server's local time)."""
    if tz is None:
        return None
    for attribute in ("key", "zone"):
        name = getattr(tz, attribute, None)
        if isinstance(name, str) and name:
            return name
    if tz in (dt_timezone.utc,) or str(tz) == "UTC":
        return "UTC"
    return None


def _instant(when):
    """An aware datetime as a UTC RFC 3339 instant (whole seconds, as EventBridge takes them)."""
    utc = when.astimezone(dt_timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + (f".{utc.microsecond:06d}" if utc.microsecond else "") + "Z"
