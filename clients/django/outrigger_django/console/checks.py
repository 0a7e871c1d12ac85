"""System checks for OUTRIGGER["CONSOLE"] (`manage.py check`), so a typo shows at deploy, not on an operator's page."""
from django.conf import settings
from django.core import checks

from . import conf


@checks.register()
def check_console_settings(app_configs=None, **kwargs):
    problems = []
    console = getattr(settings, "OUTRIGGER", {}).get("CONSOLE")
    if not isinstance(console, dict):
        return [checks.Error('OUTRIGGER["CONSOLE"] must be a dict (see outrigger_django/console/conf.py)',
                             hint='"outrigger_django.console" is in INSTALLED_APPS, so the console needs its settings',
                             id="outrigger_console.E001")]
    unknown = sorted(set(console) - set(conf.DEFAULTS))
    if unknown:
        problems.append(checks.Error(f'unknown OUTRIGGER["CONSOLE"] keys: {", ".join(unknown)}',
                                     hint=f'known: {", ".join(sorted(conf.DEFAULTS))}', id="outrigger_console.E002"))
    for key in ("REDRIVE_FUNCTION", "SCHEDULE_TOGGLE_FUNCTION"):
        if not isinstance(console.get(key), str) or not console.get(key):
            problems.append(checks.Warning(f'OUTRIGGER["CONSOLE"]["{key}"] is not set: its pages show an error',
                                           hint="the function's name or ARN from the stack", id="outrigger_console.W001"))
    for key in ("DEAD_LETTER_QUEUES", "SCHEDULE_GROUPS"):
        value = console.get(key, [])
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
            problems.append(checks.Error(f'OUTRIGGER["CONSOLE"]["{key}"] must be a list of names',
                                         id="outrigger_console.E003"))
    machines = console.get("STATE_MACHINES", {})
    if not isinstance(machines, dict) or not all(isinstance(v, str) and v.startswith("arn:") for v in machines.values()):
        problems.append(checks.Error('OUTRIGGER["CONSOLE"]["STATE_MACHINES"] must be a dict of label -> state machine ARN',
                                     id="outrigger_console.E004"))
    return problems
