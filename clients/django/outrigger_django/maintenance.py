"""The maintenance switch: read by the middleware, flipped by the signed maintenance endpoint."""
import logging
import threading
import time
from collections import namedtuple
from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import DatabaseError, transaction
from django.utils import timezone

from . import conf

log = logging.getLogger("outrigger_django")

State = namedtuple("State", "enabled reason changed_at")
OFF = State(False, "", None)

_lock = threading.Lock()
_cached = {"state": None, "read_at": 0.0}


def read_state():
    """The stored state, straight from the database."""
    from .models import MaintenanceState

    row = MaintenanceState.objects.using(conf.database()).filter(pk=MaintenanceState.SINGLETON_PK).first()
    return OFF if row is None else State(row.enabled, row.reason, row.changed_at)


def current_state():
    """The state, re-read at most every MAINTENANCE_CHECK_INTERVAL_S seconds per process. If the database
    can't be read, the last state this process saw is kept (off if none): during a cutover the flag was
    already read as on before the database became unreachable."""
    interval = float(conf.get("MAINTENANCE_CHECK_INTERVAL_S"))
    now = time.monotonic()
    with _lock:
        state, read_at = _cached["state"], _cached["read_at"]
    if state is not None and interval > 0 and now - read_at < interval:
        return state
    try:
        state = read_state()
    except DatabaseError as e:
        log.warning("outrigger maintenance state unreadable (%s); keeping the last known state",
                    type(e).__name__)
        return state or OFF
    with _lock:
        _cached["state"], _cached["read_at"] = state, now
    return state


class StaleCall(Exception):
    """A maintenance call issued before the call that made the last change: refused, nothing changed."""

    def __init__(self, issued_at, last_change):
        self.issued_at = issued_at
        self.last_change = last_change
        super().__init__(
            f"this maintenance call was issued at {_iso(issued_at)}, before the call that made the last change "
            f"(issued at {_iso(last_change)}): a replayed or delayed call can't undo a later switch. Nothing changed; "
            "sign a new call")


def _iso(when):
    """UTC, with microseconds: a fixed-width text that sorts as the instants do."""
    return when.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def set_state(enabled, reason, issued_at):
    """Switches maintenance as a signed call issued at issued_at (an aware datetime) asks, unless a call issued
    later already changed it (StaleCall). A call issued at the same instant as the last change is let through: it is
    that call again (a retry, which changes nothing) or, for callers that only give whole seconds, a second call of
    the same second."""
    from .models import MaintenanceState

    alias = conf.database()
    enabled = bool(enabled)
    with transaction.atomic(using=alias):
        rows = MaintenanceState.objects.using(alias).select_for_update()
        row = rows.filter(pk=MaintenanceState.SINGLETON_PK).first()
        last_change = _parse_iso(row.last_change_issued_at) if row is not None else None
        if last_change is not None and issued_at < last_change:
            raise StaleCall(issued_at, last_change)
        changed = row is None or row.enabled != enabled or last_change is None
        changed_at = timezone.now()
        rows.update_or_create(pk=MaintenanceState.SINGLETON_PK, defaults={
            "enabled": enabled, "reason": reason[:500], "changed_at": changed_at,
            "last_change_issued_at": _iso(issued_at) if changed else row.last_change_issued_at})
    state = State(enabled, reason[:500], changed_at)
    with _lock:
        _cached["state"], _cached["read_at"] = state, time.monotonic()
    return state


def _parse_iso(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt_timezone.utc) if text else None


def forget_cached_state():
    with _lock:
        _cached["state"], _cached["read_at"] = None, 0.0
