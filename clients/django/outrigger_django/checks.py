"""System checks (`manage.py check`) for settings that would otherwise fail only at the first call."""
from django.core import checks

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
    return problems
