"""The example's stand-in for a mail server. Each sent mail is a TaskRecord row, so the end-to-end test can see it.

EXAMPLE_MAIL_FAILS_FIRST=n makes the first n tries of every receipt fail with ConnectionError, as a busy mail server
would: send_receipt retries those (autoretry_for), with Celery's backoff.
"""
import os

from outrigger_django import current_job

from shop.models import TaskRecord


def _sent(task, label):
    job = current_job()
    TaskRecord.objects.create(job_id=job.job_id if job else "", task=task, label=label, attempt=job.attempt if job else 1)


def send_receipt(order_id):
    if order_id < 0:
        raise ValueError(f"there is no order {order_id}")
    job = current_job()
    if job is not None and job.attempt <= int(os.environ.get("EXAMPLE_MAIL_FAILS_FIRST", "0")):
        raise ConnectionError("the mail server is busy")
    _sent("billing.tasks.send_receipt", str(order_id))


def send_digest(period):
    _sent("billing.tasks.send_digest", period)


def send_invoices(dry_run=False):
    _sent("billing.tasks.send_invoices", "dry run" if dry_run else "sent")
