# billing/tasks.py
from outrigger_django import outrigger_task

from billing import mail, stock


@outrigger_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_receipt(order_id):
    mail.send_receipt(order_id)


@outrigger_task
def send_digest(period):
    mail.send_digest(period)


@outrigger_task
def refresh_stock():
    stock.refresh()


@outrigger_task
def send_invoices(dry_run=False):
    mail.send_invoices(dry_run=dry_run)
