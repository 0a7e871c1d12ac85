"""The example's Tasks-framework tasks (Django 6.x's django.tasks, the django_tasks backport before), run by
OutriggerBackend: enqueued from shop/views.py, run by the Java worker's signed call."""
try:
    from django.tasks import task
except ImportError:  # Django 4.2 / 5.2
    from django_tasks import task

from .models import TaskRecord


@task(takes_context=True)
def remember(context, label):
    """Writes one row per run (the e2e test counts them: once per enqueue) and returns what it saw."""
    TaskRecord.objects.create(job_id=context.task_result.id, task="shop.tasks.remember", label=label,
                              attempt=context.attempt)
    return {"label": label, "attempt": context.attempt}


@task
def always_fails(reason):
    """Raises every time: the worker retries it with backoff until the queue's last attempt, then dead-letters it."""
    raise RuntimeError(reason)
