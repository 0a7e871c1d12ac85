"""The example's stand-in for a stock refresh: one TaskRecord row per run."""
from outrigger_django import current_job

from shop.models import TaskRecord


def refresh():
    job = current_job()
    TaskRecord.objects.create(job_id=job.job_id if job else "", task="billing.tasks.refresh_stock", label="refreshed")
