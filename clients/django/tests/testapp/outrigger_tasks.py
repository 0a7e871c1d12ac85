"""Tasks and hooks of the test project (found by autodiscovery of outrigger_tasks modules)."""
import threading

from outrigger_django import PermanentError, RetryLater, current_job, outrigger_hook, outrigger_task

from .models import HookRecord, TaskRecord

# controls the tests flip
FLAKY = {"failures_left": 0}
BLOCKING = {"entered": threading.Event(), "release": threading.Event()}


@outrigger_task("reports.generate")
def generate_report(*args, label=""):
    TaskRecord.objects.create(task="reports.generate", job_id=current_job().job_id, label=label, args=list(args))
    return "ok"


@outrigger_task("tests.permanent")
def permanent(report_id):
    raise PermanentError(f"report {report_id} does not exist")


@outrigger_task("tests.retry_later")
def retry_later():
    raise RetryLater(120)


@outrigger_task("tests.flaky")
def flaky(label=""):
    # the row is written before the failure: it must be rolled back with the failed try
    TaskRecord.objects.create(task="tests.flaky", job_id=current_job().job_id, label=label)
    if FLAKY["failures_left"] > 0:
        FLAKY["failures_left"] -= 1
        raise RuntimeError("database hiccup")


@outrigger_task("tests.blocking")
def blocking():
    BLOCKING["entered"].set()
    if not BLOCKING["release"].wait(10):
        raise TimeoutError("test never released the task")
    TaskRecord.objects.create(task="tests.blocking", job_id=current_job().job_id)


@outrigger_hook("clearsessions")
def clearsessions(scheduled_time, args):
    job = current_job()
    HookRecord.objects.create(hook="clearsessions", job_id=job.job_id, execution_id=job.execution_id or "",
                              scheduled_time=scheduled_time, args=args)


# Celery's retry options (calls.RetryPolicy); CELERY["raise"] says what the next calls raise, one exception each
CELERY = {"raise": []}


class TemporarilyDown(ConnectionError):
    pass


class AccountClosed(ConnectionError):
    """A ConnectionError that must not be retried (dont_autoretry_for)."""


def _next_failure():
    if CELERY["raise"]:
        raise CELERY["raise"].pop(0)


@outrigger_task(autoretry_for=(ConnectionError,), dont_autoretry_for=(AccountClosed,), retry_backoff=2,
                retry_backoff_max=7, retry_jitter=False, max_retries=3)
def send_receipt(order_id, copy=False):
    """Registered under Celery's default name, testapp.outrigger_tasks.send_receipt."""
    _next_failure()
    TaskRecord.objects.create(task="send_receipt", job_id=current_job().job_id, label=f"{order_id}:{copy}")


@outrigger_task("tests.celery_fixed_delay", autoretry_for=[KeyError], default_retry_delay=30, queue="heavy",
                time_limit=120)
def fixed_delay():
    _next_failure()


@outrigger_task("tests.celery_jitter", autoretry_for=(TimeoutError,), retry_backoff=True)
def jittered():
    _next_failure()


@outrigger_task("tests.outrigger_rule_limited", max_retries=1)
def limited():
    _next_failure()


@outrigger_task
def bare():
    return "bare"
