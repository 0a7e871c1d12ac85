"""Django's Tasks framework as the Django under test provides it, so one test runs on every supported version:
built in as `django.tasks` from Django 6.0, the `django_tasks` backport on 4.2 and 5.2 (install-deps.sh installs
it for each). The names that differ between the two are given one name here:

    def test_something(tasks_framework):            # the conftest fixture, or tasks_framework.load()
        with pytest.raises(tasks_framework.InvalidTask):
            tasks_framework.task(not_module_level)
        assert result.status == tasks_framework.TaskResultStatus.SUCCESSFUL

Deciding which one is in use needs no import of it, so settings can read APPS before Django is set up.
"""
import importlib
import importlib.util
import os
from types import SimpleNamespace

import pytest

BUILT_IN = importlib.util.find_spec("django.tasks") is not None
NAME = "django.tasks" if BUILT_IN else "django_tasks"
# The backport is an app (its system checks and signal handlers load in ready()); the built-in framework is not.
APPS = [] if BUILT_IN else ["django_tasks"]

# attribute here -> (submodule, name in Django 6.x, name in the backport)
_NAMES = {
    "InvalidTask": ("exceptions", "InvalidTask", "InvalidTaskError"),
    "InvalidTaskBackend": ("exceptions", "InvalidTaskBackend", "InvalidTaskBackendError"),
    "TaskResultDoesNotExist": ("exceptions", "TaskResultDoesNotExist", "TaskResultDoesNotExist"),
    "TaskResultMismatch": ("exceptions", "TaskResultMismatch", "TaskResultMismatch"),
    "BaseTaskBackend": ("backends.base", "BaseTaskBackend", "BaseTaskBackend"),
    "Task": ("base", "Task", "Task"),
}


def load():
    """The framework's module's public names (task, task_backends, default_task_backend, TaskResult,
    TaskResultStatus, TaskContext, DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME), the ones in _NAMES,
    `module` and `name`."""
    try:
        module = importlib.import_module(NAME)
    except ImportError as e:
        raise ImportError(f"{NAME} does not import ({e}); clients/django/install-deps.sh installs it") from e
    names = {name: getattr(module, name) for name in module.__all__}
    for attribute, (submodule, built_in, backport) in _NAMES.items():
        names[attribute] = getattr(importlib.import_module(f"{NAME}.{submodule}"), built_in if BUILT_IN else backport)
    return SimpleNamespace(name=NAME, module=module, **names)


# The names test modules use directly (`import tasks_framework as tf; tf.require(); tf.task(...)`), resolved on first
# use rather than at import, because settings import this module (APPS) before Django is set up.
_DIRECT = {"task", "task_backends", "default_task_backend", "TaskResultStatus", "InvalidTask",
           "TaskResultDoesNotExist"}
_SIGNALS = {"task_enqueued", "task_started", "task_finished"}


def __getattr__(attribute):
    if attribute in _DIRECT:
        return getattr(load(), attribute)
    if attribute in _SIGNALS:
        return getattr(importlib.import_module(f"{NAME}.signals"), attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def require():
    """Skips the calling test module when the Django under test has no Tasks framework. Under CI=true that is a
    failure instead: install-deps.sh installs one for every supported version, so a skip would hide a broken setup."""
    try:
        load()
    except ImportError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(str(e), pytrace=False)
        pytest.skip(str(e), allow_module_level=True)
