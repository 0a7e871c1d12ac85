"""The example's @outrigger_task tasks and hook (the older API, still used for webhook/SNS jobs and existing code;
shop/tasks.py has the Tasks-framework ones); outrigger_django imports every app's outrigger_tasks module at startup."""
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


@outrigger_task("example.ship")
def ship(order=""):
    """Refused while the order's record does not exist (written by example.record): the job is dead-lettered with the
    reason, and once the record is there, a redrive from the admin's operations console ships it."""
    if not TaskRecord.objects.filter(task="example.record", label=order).exists():
        raise PermanentError(f"no order {order!r} yet")
    job = current_job()
    TaskRecord.objects.create(job_id=job.job_id, task=job.name, label=order, attempt=job.attempt)


@outrigger_task("example.retry_later")
def retry_later(seconds=1):
    raise RetryLater(seconds)


@outrigger_task("example.crash")
def crash():
    """An unexpected exception: 500, retried until the queue's attempts run out, then DLQ."""
    raise RuntimeError("example crash")


@outrigger_hook("clearsessions")
def clearsessions(scheduled_time, args):
    """Replaces the package's clearsessions hook (a project's own hook of the same name wins): writes one row per run,
    so the e2e test can count them. template.yaml's other schedules (health_ping, outrigger_prune) run the package's."""
    job = current_job()
    HookRecord.objects.create(job_id=job.job_id, execution_id=job.execution_id or "", hook="clearsessions",
                              scheduled_time=scheduled_time, args=args)
