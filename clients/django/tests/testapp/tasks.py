"""Tasks-framework tasks of the test project (@task of django.tasks or the django_tasks backport)."""
from outrigger_django import PermanentError, current_job
from tasks_framework import task

from .models import TaskRecord


@task
def add(a, b):
    return a + b


@task(queue_name="heavy")
def record(label):
    TaskRecord.objects.create(task="testapp.tasks.record", job_id=current_job().job_id, label=label)
    return {"label": label}


@task(takes_context=True)
def attempt_seen(context):
    return {"attempt": context.attempt, "id": context.task_result.id}


@task
def fail_permanently(reason):
    raise PermanentError(reason)


@task
def flaky(label):
    # the row is written before the failure: it must be rolled back with the failed try
    TaskRecord.objects.create(task="testapp.tasks.flaky", job_id=current_job().job_id, label=label)
    raise RuntimeError(f"boom {label}")


@task
def returns_a_set():
    return {1, 2}


@task(backend="immediate")
def on_another_backend():
    TaskRecord.objects.create(task="testapp.tasks.on_another_backend", job_id="")


def plain_function():
    TaskRecord.objects.create(task="testapp.tasks.plain_function", job_id="")


def _renamed():
    return "renamed"


# a Task stored under another name than its function's: the module path would name the plain function
renamed_task = task(_renamed)
