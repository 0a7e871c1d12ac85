"""The example's tasks and hook; outrigger_django imports every app's outrigger_tasks module at startup."""
from outrigger_django import PermanentError, RetryLater, current_job, outrigger_hook, outrigger_task

from .models import HookRecord, TaskRecord


@outrigger_task("example.record")
def record(label=""):
    """Writes one row. Delivered twice, it must still write one row."""
    job = current_job()
    TaskRecord.objects.create(job_id=job.job_id, task=job.name, label=label, attempt=job.attempt)


@outrigger_task("example.fail_permanently")
def fail_permanently(reason="the example asked to fail"):
    """Always refused: the worker moves the job to the DLQ with this reason."""
    raise PermanentError(reason)


@outrigger_task("example.retry_later")
def retry_later(seconds=1):
    raise RetryLater(seconds)


@outrigger_task("example.crash")
def crash():
    """An unexpected exception: 500, retried until the queue's attempts run out, then DLQ."""
    raise RuntimeError("example crash")


@outrigger_hook("clearsessions")
def clearsessions(scheduled_time, args):
    """Stands in for `manage.py clearsessions`; writes one row per run."""
    job = current_job()
    HookRecord.objects.create(job_id=job.job_id, execution_id=job.execution_id or "", hook="clearsessions",
                              scheduled_time=scheduled_time, args=args)


@outrigger_hook("health_ping")
def health_ping(scheduled_time, args):
    """template.yaml's every-5-minutes ping: answers only if the database does."""
    from django.db import connection

    connection.ensure_connection()
