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
