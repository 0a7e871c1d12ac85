"""The maintenance switch: read by the middleware, flipped by the signed maintenance endpoint."""
import logging
import threading
import time
from collections import namedtuple

from django.db import DatabaseError
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


def set_state(enabled, reason=""):
    from .models import MaintenanceState

    changed_at = timezone.now()
    MaintenanceState.objects.using(conf.database()).update_or_create(
        pk=MaintenanceState.SINGLETON_PK,
        defaults={"enabled": bool(enabled), "reason": reason[:500], "changed_at": changed_at})
    state = State(bool(enabled), reason[:500], changed_at)
    with _lock:
        _cached["state"], _cached["read_at"] = state, time.monotonic()
    return state


def forget_cached_state():
    with _lock:
        _cached["state"], _cached["read_at"] = None, 0.0
