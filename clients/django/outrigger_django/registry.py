"""@outrigger_task and @outrigger_hook: name -> function registries.

Names follow the grammars of the job envelope schema's $defs (taskName, hookName), which the Java worker and the
schedule hook read from the same file: a name that registers here is a name the worker calls, and no other."""
from django.core.exceptions import ImproperlyConfigured

from .envelope import grammar

_tasks = {}
_hooks = {}
_GRAMMARS = {"task": "taskName", "hook": "hookName"}
# The hooks the package itself ships for template.yaml's default schedules: a project's own @outrigger_hook of the
# same name replaces one, so existing code that registered e.g. "clearsessions" keeps working unchanged.
_package_hooks = {}


def _register(table, kind, name):
    rules = grammar(_GRAMMARS[kind])
    if not rules.accepts(name):
        raise ImproperlyConfigured(f"invalid {kind} name {name!r}: a {kind} name is {rules.describe()} "
                                   f"(events/schema/job-envelope.v1.json, $defs/{rules.name})")

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


def outrigger_task(name=None, **options):
    """Registers fn as task `name`; the worker's call runs fn(*payload["args"], **payload["kwargs"]).

    Without a name (@outrigger_task, or @outrigger_task(queue=...)) the name is Celery's default, "<module>.<function>",
    so beat schedules and call sites that name the Celery task keep working. Returns a calls.RegisteredTask: the
    function, callable as before, with .delay() and .apply_async(). options are Celery task options: queue,
    time_limit (the envelope's timeout_s) and the retry options (autoretry_for, dont_autoretry_for, max_retries,
    retry_backoff, retry_backoff_max, retry_jitter, default_retry_delay, retry_kwargs; see calls.RetryPolicy)."""
    from .calls import registered_task

    if callable(name):   # bare @outrigger_task
        return outrigger_task()(name)

    def decorator(fn):
        task_name = name if name is not None else f"{fn.__module__}.{fn.__name__}"
        return _register(_tasks, "task", task_name)(registered_task(fn, task_name, options))

    if name is not None:
        _register(_tasks, "task", name)   # an invalid name fails here, at the decorator
    return decorator


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
