"""The Tasks framework is there on every supported Django, under the name tests reach it by (tasks_framework.py):
built in from 6.0, the backport before. These prove the environment install-deps.sh makes, and the helper."""
import django
import pytest
from django.apps import apps


def double(x):
    return 2 * x


def test_the_built_in_framework_is_used_from_django_6_and_the_backport_before(tasks_framework):
    expected = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
    assert tasks_framework.name == expected
    assert tasks_framework.module.__name__ == expected
    assert tasks_framework.InvalidTask.__module__ == expected + ".exceptions"


def test_the_backport_is_an_installed_app_only_where_it_is_used(tasks_framework):
    assert apps.is_installed("django_tasks") == (tasks_framework.name == "django_tasks")


def test_a_task_enqueued_on_the_immediate_backend_runs_and_returns_its_value(tasks_framework):
    # the test project's "immediate" alias is the framework's own ImmediateBackend ("default" is Outrigger's)
    result = tasks_framework.task(double, backend="immediate").enqueue(21)
    assert result.status == tasks_framework.TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
    assert isinstance(tasks_framework.task_backends["immediate"], tasks_framework.BaseTaskBackend)
    assert result.backend == "immediate"


def test_a_function_that_is_not_module_level_is_refused_with_the_versions_invalid_task(tasks_framework):
    def inner():
        return None

    with pytest.raises(tasks_framework.InvalidTask, match="module level"):
        tasks_framework.task(inner)
