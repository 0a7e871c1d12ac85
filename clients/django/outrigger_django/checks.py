"""System checks (`manage.py check`) for settings that would otherwise fail only at the first call."""
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from . import conf


@checks.register()
def check_settings(app_configs=None, **kwargs):
    problems = []
    if not conf.signing_secrets():
        problems.append(checks.Warning(
            "no Outrigger signing secret: every signed call will be refused with 401",
            hint='set OUTRIGGER["SIGNING_SECRET"] or the environment variable OUTRIGGER_SIGNING_SECRET',
            id="outrigger.W001"))
    queues = conf.get("QUEUES")
    if not isinstance(queues, dict):
        problems.append(checks.Error('OUTRIGGER["QUEUES"] must be a dict of name -> SQS queue URL',
                                     id="outrigger.E001"))
    try:
        conf.check_max_message_bytes()
    except Exception as e:
        problems.append(checks.Error(str(e), id="outrigger.E002"))
    try:
        v1_until = conf.accept_v1_until()
    except ImproperlyConfigured as e:
        problems.append(checks.Error(str(e), id="outrigger.E003"))
    else:
        if v1_until is not None:
            state = "are accepted until" if v1_until > timezone.now() else "were accepted until"
            problems.append(checks.Warning(
                f"v1 signatures, which bind no endpoint, {state} {v1_until.isoformat()}",
                hint='once every Outrigger function signs v2, remove OUTRIGGER["ACCEPT_V1_SIGNATURES_UNTIL"]',
                id="outrigger.W002"))
    return problems
