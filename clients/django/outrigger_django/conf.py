"""Reads the OUTRIGGER settings dict, with defaults, in one place."""
import os
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime

DEFAULTS = {
    # name -> SQS queue URL
    "QUEUES": {},
    # e.g. http://127.0.0.1:9324 for the local runtime; None means the real AWS endpoint
    "ENDPOINT_URL": None,
    "REGION": None,
    # str, or a list of str while rotating (the first one is used for nothing: Django only verifies)
    "SIGNING_SECRET": None,
    "TIMESTAMP_TOLERANCE_S": 300,
    # an ISO 8601 instant with a UTC offset: until then, v1 signatures (which bind no endpoint) are accepted too,
    # for a rolling upgrade from older Outrigger functions. None refuses them.
    "ACCEPT_V1_SIGNATURES_UNTIL": None,
    # the queues' MaximumMessageSize: an int for every queue, or a dict of queue name -> int; a queue without a
    # value has its MaximumMessageSize read from SQS once (GetQueueAttributes)
    "MAX_MESSAGE_BYTES": None,
    # which database holds the run/claim table, maintenance state and the write probe
    "DATABASE": "default",
    # a claim older than this is taken to belong to a process that died mid-task
    "CLAIM_TIMEOUT_S": 900,
    # Retry-After answered while another delivery of the same job is still running
    "IN_PROGRESS_RETRY_AFTER_S": 30,
    "MAINTENANCE_RETRY_AFTER_S": 300,
    "MAINTENANCE_EXEMPT_PATHS": ["/healthz"],
    "MAINTENANCE_MESSAGE": "We are doing some maintenance and will be back shortly.",
    # how long a process trusts the maintenance flag it last read (0 = read the database on every request)
    "MAINTENANCE_CHECK_INTERVAL_S": 2,
    # extra modules to import at startup so their @outrigger_task / @outrigger_hook decorators run
    "TASK_MODULES": [],
    # the operators' console in the admin (outrigger_django.console; its conf.py lists the keys)
    "CONSOLE": {},
}

def get(name):
    if name not in DEFAULTS:
        raise KeyError(name)
    return getattr(settings, "OUTRIGGER", {}).get(name, DEFAULTS[name])


def signing_secrets():
    """The accepted secrets: settings OUTRIGGER["SIGNING_SECRET"] (str or list), else env OUTRIGGER_SIGNING_SECRET."""
    value = get("SIGNING_SECRET")
    if value is None or value == "" or value == []:
        value = os.environ.get("OUTRIGGER_SIGNING_SECRET", "")
    secrets = [value] if isinstance(value, str) else list(value)
    return [s for s in secrets if isinstance(s, str) and s]


def accept_v1_until():
    """The end of the v1 migration window as an aware datetime, or None when v1 signatures are refused."""
    value = get("ACCEPT_V1_SIGNATURES_UNTIL")
    if value is None:
        return None
    try:
        until = parse_datetime(value) if isinstance(value, str) else value
    except ValueError:  # well formed but not a date, e.g. month 13
        until = None
    if not isinstance(until, datetime) or until.tzinfo is None or until.utcoffset() is None:
        raise ImproperlyConfigured(
            f'OUTRIGGER["ACCEPT_V1_SIGNATURES_UNTIL"] must be an ISO 8601 instant with a UTC offset '
            f'(e.g. "2026-07-01T00:00:00Z") or an aware datetime, got {value!r}')
    return until


def max_message_bytes(queue):
    """The size limit set for `queue` in OUTRIGGER["MAX_MESSAGE_BYTES"] (an int for every queue, or a dict of queue
    name -> int), or None when the setting leaves it to the queue's own MaximumMessageSize."""
    value = get("MAX_MESSAGE_BYTES")
    source = 'OUTRIGGER["MAX_MESSAGE_BYTES"]'
    if isinstance(value, dict):
        source += f"[{queue!r}]"
        value = value.get(queue)
    if value is None:
        return None
    return _message_bytes(value, source)


def check_max_message_bytes():
    """Raises ImproperlyConfigured for any value of OUTRIGGER["MAX_MESSAGE_BYTES"] SQS would not accept."""
    value = get("MAX_MESSAGE_BYTES")
    if isinstance(value, dict):
        for queue, number in value.items():
            _message_bytes(number, f'OUTRIGGER["MAX_MESSAGE_BYTES"][{queue!r}]')
    elif value is not None:
        _message_bytes(value, 'OUTRIGGER["MAX_MESSAGE_BYTES"]')


def _message_bytes(value, source):
    from .envelope import message_bytes_range

    low, high = message_bytes_range()
    if isinstance(value, bool):
        raise ImproperlyConfigured(f"{source} must be an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{source} must be an integer, got {value!r}")
    if not low <= number <= high:
        raise ImproperlyConfigured(f"{source} must be between {low} and {high} (the MaximumMessageSize SQS allows), "
                                   f"got {number}")
    return number


def queue_url(queue):
    queues = get("QUEUES") or {}
    url = queues.get(queue)
    if not url:
        known = ", ".join(sorted(queues)) or "none"
        raise ImproperlyConfigured(
            f'no URL for queue {queue!r} in settings OUTRIGGER["QUEUES"] (configured queues: {known})')
    return url


def database():
    return get("DATABASE")
