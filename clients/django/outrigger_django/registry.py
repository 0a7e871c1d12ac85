"""@outrigger_task and @outrigger_hook: name -> function registries."""
import re

from django.core.exceptions import ImproperlyConfigured

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$")

_tasks = {}
_hooks = {}
# The hooks the package itself ships for template.yaml's default schedules: a project's own @outrigger_hook of the
# same name replaces one, so existing code that registered e.g. "clearsessions" keeps working unchanged.
_package_hooks = {}


def _register(table, kind, name):
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ImproperlyConfigured(f"invalid {kind} name {name!r}: use letters, digits and . _ : - (max 128)")

    def decorator(fn):
        existing = table.get(name)
        if existing is not None and _qualname(existing) != _qualname(fn):
            raise ImproperlyConfigured(
                f"{kind} {name!r} is registered twice: {_qualname(existing)} and {_qualname(fn)}")
        table[name] = fn
        return fn

    return decorator


def _qualname(fn):
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def outrigger_task(name):
    """Registers fn as task `name`; the worker's call runs fn(*payload["args"], **payload["kwargs"])."""
    return _register(_tasks, "task", name)


def outrigger_hook(name):
    """Registers fn as hook `name`; a scheduled call runs fn(scheduled_time, args)."""
    return _register(_hooks, "hook", name)


def package_hook(name):
    """Registers one of the package's own hooks (outrigger_tasks.py); a project's @outrigger_hook(name) wins."""
    return _register(_package_hooks, "hook", name)


def get_task(name):
    return _tasks.get(name)


def get_hook(name):
    return _hooks.get(name) or _package_hooks.get(name)


def task_names():
    return sorted(_tasks)


def hook_names():
    return sorted(set(_hooks) | set(_package_hooks))
