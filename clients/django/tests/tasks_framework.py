"""The Tasks framework of the Django under test, for the tests: django.tasks on Django 6.x, the django_tasks backport
on 4.2 and 5.2. Test modules that need it call require() first, which skips them when neither is installed."""
import pytest

try:
    from django.tasks import TaskResultStatus, default_task_backend, task, task_backends
    from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
    from django.tasks.signals import task_enqueued, task_finished, task_started
except ImportError:
    try:
        from django_tasks import TaskResultStatus, default_task_backend, task, task_backends
        from django_tasks.exceptions import InvalidTaskError as InvalidTask
        from django_tasks.exceptions import TaskResultDoesNotExist
        from django_tasks.signals import task_enqueued, task_finished, task_started
    except ImportError:
        task = None


def require():
    if task is None:
        pytest.skip("neither django.tasks (Django 6.0+) nor the django_tasks backport is installed",
                    allow_module_level=True)


__all__ = ["InvalidTask", "TaskResultDoesNotExist", "TaskResultStatus", "default_task_backend", "require", "task",
           "task_backends", "task_enqueued", "task_finished", "task_started"]
