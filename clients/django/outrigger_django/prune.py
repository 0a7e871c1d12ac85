"""Pruning the job-run table: `manage.py outrigger_prune` and the outrigger_prune hook share this."""
import re
from datetime import timedelta

from django.utils import timezone

from . import conf

_AGE = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text):
    """'30d', '12h', '90m', '3600s', '2w' -> timedelta; ValueError naming the accepted forms otherwise."""
    match = _AGE.fullmatch(str(text).strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"age {text!r} is not a positive whole number followed by s, m, h, d or w (e.g. 30d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def prune(older_than, *, now=None, batch_size=10_000, limit=None, dry_run=False):
    """Deletes runs that finished more than older_than (a timedelta) before now; returns how many (or, with
    dry_run, how many would go)."""
    from .models import OutriggerJobRun

    cutoff = (now or timezone.now()) - older_than
    runs = OutriggerJobRun.objects.using(conf.database())
    if dry_run:
        return runs.finished_before(cutoff).count()
    return runs.prune(cutoff, batch_size=batch_size, limit=limit)
