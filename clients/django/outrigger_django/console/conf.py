"""OUTRIGGER["CONSOLE"]: what the console shows and which functions it invokes. Every name is the stack's (its
outputs and resource names); the console never derives one from another.

    OUTRIGGER["CONSOLE"] = {
        "REDRIVE_FUNCTION": "outrigger-prod-dlq-redrive",                 # DlqRedriveFunction
        "SCHEDULE_TOGGLE_FUNCTION": "outrigger-prod-schedule-group-toggle",  # ScheduleGroupToggleFunction
        "DEAD_LETTER_QUEUES": ["outrigger-prod-jobs-default-dlq", "outrigger-prod-jobs-heavy-dlq"],
        "SCHEDULE_GROUPS": ["outrigger-prod"],
        "STATE_MACHINES": {"deploy": "arn:aws:states:…:stateMachine:outrigger-prod-deploy",
                           "cutover": "arn:aws:states:…:stateMachine:outrigger-prod-cutover"},
        "ENDPOINT_URL": None,   # Lambda, Scheduler and Step Functions; `outrigger local up`'s emulator locally
    }

The Queues page shows OUTRIGGER["QUEUES"] (where Django publishes) and the dead-letter queues; SQS calls use
OUTRIGGER["ENDPOINT_URL"], as publishing does."""
from django.core.exceptions import ImproperlyConfigured

from .. import conf as outrigger_conf

DEFAULTS = {
    "REDRIVE_FUNCTION": None,
    "SCHEDULE_TOGGLE_FUNCTION": None,
    "DEAD_LETTER_QUEUES": [],
    "SCHEDULE_GROUPS": [],
    "STATE_MACHINES": {},
    "ENDPOINT_URL": None,
    # dead letters read per inspect (the redrive function's own limit applies above it)
    "INSPECT_LIMIT": 1000,
}


def get(name):
    if name not in DEFAULTS:
        raise KeyError(name)
    console = outrigger_conf.get("CONSOLE") or {}
    return console.get(name, DEFAULTS[name])


def required(name):
    value = get(name)
    if not value:
        raise ImproperlyConfigured(f'settings OUTRIGGER["CONSOLE"]["{name}"] is not set')
    return value


def dead_letter_queues():
    return list(get("DEAD_LETTER_QUEUES"))


def job_queues():
    """The queues Django publishes to, by name: OUTRIGGER["QUEUES"]."""
    return dict(outrigger_conf.get("QUEUES") or {})
