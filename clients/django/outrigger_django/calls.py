"""Celery's call sites and retry options on Outrigger tasks.

`.delay(*args, **kwargs)` and `.apply_async(args, kwargs, countdown=, eta=, queue=, task_id=)` work on tasks declared
with @outrigger_task (RegisteredTask) and on Tasks-framework tasks of an OutriggerBackend (tasks.OutriggerTask).
A countdown or eta up to 15 minutes away is SQS DelaySeconds, later an EventBridge Scheduler one-time schedule
(deferred.py, the Tasks backend's path).

Celery's retry options (`autoretry_for`, `max_retries`, `retry_backoff`, ...) are a `RetryPolicy`, which Django applies
where Celery did, to the exceptions the task raises: the signed task call answers an autoretried exception with 500 and
Retry-After set to Celery's countdown (the worker waits exactly that long, as its visibility timeout), and an exception
Celery would not have retried with 422 (the worker dead-letters it with the reason). The limit is the envelope's
max_attempts (max_retries + 1) for the worker, and Django stops at the same attempt for jobs published without it (a
beat schedule's enqueue). No envelope field carries the backoff: only Django sees the exception it depends on.
"""
import functools
import random
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


_UNSET = object()

# Celery's defaults (celery/app/task.py, celery/app/autoretry.py)
CELERY_MAX_RETRIES = 3
CELERY_DEFAULT_RETRY_DELAY = 180
CELERY_RETRY_BACKOFF_MAX = 600

# apply_async options Celery has that Outrigger does not, and why (README: "From Celery: options")
UNSUPPORTED_CALL_OPTIONS = {
    "expires": "SQS has no message expiry per message; check the time in the task and return early",
    "priority": "SQS delivers a queue's messages in no priority order; send urgent work to its own queue (queue=)",
    "link": "no callbacks: call the next task at the end of this one",
    "link_error": "no error callbacks: failed jobs land in the DLQ with the reason (outrigger dlq inspect)",
    "retry": "publishing is one SQS request, retried by botocore; it raises if it fails in the end",
    "retry_policy": "publishing is one SQS request, retried by botocore; it raises if it fails in the end",
    "routing_key": "there is no exchange: queue= picks the Outrigger queue",
    "exchange": "there is no exchange: queue= picks the Outrigger queue",
    "serializer": "jobs are always JSON",
    "compression": "jobs are JSON bodies of at most the queue's size limit",
    "headers": "pass data as arguments; meta (publish()) carries strings into the logs",
    "shadow": "the task name is the name it is registered under",
    "ignore_result": "@outrigger_task keeps no results; Tasks-framework tasks always record theirs",
    "time_limit": "set time_limit on the task (@outrigger_task), not per call",
    "soft_time_limit": "there is no soft time limit: the worker stops a try at its timeout",
    "add_to_parent": "no canvas: there are no parent tasks",
    "chain": "no canvas: call the next task at the end of this one",
}


def run_after(countdown=None, eta=None):
    """The instant a countdown (seconds from now) or an eta (an aware datetime) names, or None for now."""
    if countdown is not None and eta is not None:
        raise TypeError("give countdown or eta, not both")
    if countdown is not None:
        if isinstance(countdown, bool) or not isinstance(countdown, (int, float)):
            raise TypeError(f"countdown must be a number of seconds, got {countdown!r}")
        return datetime.now(dt_timezone.utc) + timedelta(seconds=max(0, countdown))
    if eta is not None:
        if not isinstance(eta, datetime):
            raise TypeError(f"eta must be a datetime, got {eta!r}")
        if timezone.is_naive(eta):
            raise ValueError(f"eta {eta.isoformat()} is naive: give an aware datetime, e.g. timezone.now() + "
                             "timedelta(hours=1), so it means the same instant everywhere")
        return eta
    return None


def refuse_unsupported(options):
    """TypeError for apply_async options Outrigger has no equivalent of, saying why (nothing is sent)."""
    if not options:
        return
    reasons = [f"{name}= ({UNSUPPORTED_CALL_OPTIONS.get(name, 'not a Celery calling option Outrigger knows')})"
               for name in sorted(options)]
    raise TypeError("apply_async() options not supported by Outrigger: " + "; ".join(reasons))


def call_arguments(args, kwargs):
    """Celery's apply_async(args, kwargs): a list or tuple, and a dict."""
    if args is not None and not isinstance(args, (list, tuple)):
        raise TypeError(f"apply_async args must be a list or tuple, got {type(args).__name__}")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError(f"apply_async kwargs must be a dict, got {type(kwargs).__name__}")
    return list(args or ()), dict(kwargs or {})


def scheduler_options():
    """EventBridge Scheduler settings for deferring beyond 15 minutes: those of the OutriggerBackend of TASKS
    (the "default" backend if it is one, else the first), so they are configured in one place. None without one."""
    from django.conf import settings

    try:
        from .taskapi import task_backends
        from .tasks import OutriggerBackend
    except ImportError:   # no Tasks framework installed
        return None
    for alias in sorted(getattr(settings, "TASKS", {}), key=lambda a: a != "default"):
        backend = task_backends[alias]
        if isinstance(backend, OutriggerBackend):
            return backend.settings
    return None


class JobHandle:
    """What .delay() / .apply_async() of an @outrigger_task return, in the place of Celery's AsyncResult: the job id
    (`.id`, `.task_id`; str() gives it too). Outrigger keeps no results of @outrigger_task jobs."""

    def __init__(self, job_id):
        self.id = job_id

    @property
    def task_id(self):
        return self.id

    def __str__(self):
        return self.id

    def __repr__(self):
        return f"<JobHandle {self.id}>"

    def __eq__(self, other):
        return isinstance(other, JobHandle) and other.id == self.id

    def __hash__(self):
        return hash(self.id)


class RetryPolicy:
    """Celery's retry options of one task, applied to the exceptions it raises (see the module docstring).

    With autoretry_for given (even empty), Celery's rule holds: an exception in autoretry_for (and not in
    dont_autoretry_for) is retried after Celery's countdown, any other exception fails the job for good. Without it,
    Outrigger's rule holds: every exception is retried with the worker's backoff (Celery would have failed it at once).
    max_retries (Celery's default 3 with autoretry_for) limits the tries either way; None means no limit but the
    queue's maxReceiveCount."""

    def __init__(self, autoretry_for=None, dont_autoretry_for=(), max_retries=_UNSET, retry_backoff=False,
                 retry_backoff_max=CELERY_RETRY_BACKOFF_MAX, retry_jitter=True,
                 default_retry_delay=CELERY_DEFAULT_RETRY_DELAY, retry_kwargs=None):
        self.autoretry_for = None if autoretry_for is None else _exception_types("autoretry_for", autoretry_for)
        self.dont_autoretry_for = _exception_types("dont_autoretry_for", dont_autoretry_for)
        retry_kwargs = dict(retry_kwargs or {})
        unknown = set(retry_kwargs) - {"countdown", "max_retries"}
        if unknown:
            raise ImproperlyConfigured(f"retry_kwargs {sorted(unknown)} not supported (only countdown, max_retries)")
        if "max_retries" in retry_kwargs:
            max_retries = retry_kwargs["max_retries"]
        if max_retries is _UNSET:
            max_retries = CELERY_MAX_RETRIES if self.autoretry_for is not None else None
        if max_retries is not None and (isinstance(max_retries, bool) or not isinstance(max_retries, int)
                                        or max_retries < 0):
            raise ImproperlyConfigured(f"max_retries must be an integer >= 0 or None, got {max_retries!r}")
        self.max_retries = max_retries
        # celery/app/autoretry.py: factor = int(max(1.0, retry_backoff)) when retry_backoff is truthy
        self.backoff_factor = int(max(1.0, float(retry_backoff))) if retry_backoff else 0
        self.backoff_max = int(retry_backoff_max)
        self.jitter = bool(retry_jitter)
        self.fixed_delay = int(retry_kwargs.get("countdown", default_retry_delay))

    @property
    def max_attempts(self):
        """The envelope's max_attempts: the first try and max_retries retries (None: the queue decides)."""
        return None if self.max_retries is None else self.max_retries + 1

    def countdown(self, attempt):
        """Seconds until the retry after a failed try number `attempt` (1-based), as Celery computes it for
        request.retries = attempt - 1: factor * 2^retries capped at retry_backoff_max, with full jitter; without
        retry_backoff, retry_kwargs' countdown or default_retry_delay."""
        if not self.backoff_factor:
            return self.fixed_delay
        countdown = min(self.backoff_max, self.backoff_factor * 2 ** (attempt - 1))
        return random.randrange(countdown + 1) if self.jitter else countdown

    def decide(self, error, attempt):
        """For an exception the task raised on try `attempt`: ("retry", seconds or None), or ("fail", reason).
        None seconds: the worker's own backoff (Outrigger's rule)."""
        name = type(error).__name__
        if self.autoretry_for is not None:
            if isinstance(error, self.dont_autoretry_for):
                return "fail", f"{name} is in dont_autoretry_for: not retried"
            if not isinstance(error, self.autoretry_for):
                return "fail", f"{name} is not in autoretry_for: not retried (as in Celery)"
        if self.max_retries is not None and attempt > self.max_retries:
            return "fail", f"{name} on try {attempt}: max_retries={self.max_retries} exhausted"
        return "retry", (self.countdown(attempt) if self.autoretry_for is not None else None)


def _exception_types(option, value):
    types = tuple(value) if isinstance(value, (list, tuple, set, frozenset)) else (value,)
    for t in types:
        if not (isinstance(t, type) and issubclass(t, BaseException)):
            raise ImproperlyConfigured(f"{option} must be exception classes, got {t!r}")
    return types


# Celery task options @outrigger_task takes (besides the retry options of RetryPolicy), and the ones it refuses
RETRY_OPTIONS = {"autoretry_for", "dont_autoretry_for", "max_retries", "retry_backoff", "retry_backoff_max",
                 "retry_jitter", "default_retry_delay", "retry_kwargs"}
UNSUPPORTED_TASK_OPTIONS = {
    "bind": "there is no task instance: current_job() gives the job id and attempt (request.retries = attempt - 1), "
            "and raise RetryLater(seconds) instead of self.retry(countdown=seconds)",
    "base": "there are no task classes",
    "rate_limit": "limit concurrency per queue instead (the event source's MaximumConcurrency)",
    "soft_time_limit": "there is no soft time limit: the worker stops a try at its timeout (time_limit)",
    "acks_late": "jobs are always acknowledged late: a message is deleted only after the try succeeded",
    "reject_on_worker_lost": "a try that dies comes back after the visibility timeout, always",
    "serializer": "jobs are always JSON",
    "expires": "SQS has no message expiry per message; check the time in the task and return early",
    "priority": "SQS delivers a queue's messages in no priority order; give urgent work its own queue",
    "track_started": "@outrigger_task keeps no results (a Tasks-framework task records RUNNING)",
    "typing": "arguments are checked when the task runs, not when it is called",
}


class RegisteredTask:
    """What @outrigger_task returns: the function, still callable as before (it runs at once, here, as calling a
    Celery task does), registered under its name, with Celery's .delay() and .apply_async()."""

    def __init__(self, fn, name, *, queue="default", time_limit=None, policy=None):
        self.run = fn
        self.name = name
        self.queue = queue
        self.time_limit = time_limit
        self.policy = policy
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        return self.run(*args, **kwargs)

    def delay(self, *args, **kwargs):
        return self.apply_async(args, kwargs)

    def apply_async(self, args=None, kwargs=None, *, countdown=None, eta=None, queue=None, task_id=None, group=None,
                    **options):
        """Publishes one django.task job for this task: Celery's arguments, plus group (SQS MessageGroupId).
        Returns a JobHandle (.id is the job id). Refuses Celery options Outrigger has no equivalent of."""
        from . import deferred, publisher

        refuse_unsupported(options)
        args, kwargs = call_arguments(args, kwargs)
        when = run_after(countdown, eta)
        deferral = deferred.Deferral(when, datetime.now(dt_timezone.utc), scheduler_options() if when else None)
        options = self.envelope_options()
        if queue is not None:
            options["queue"] = queue
        job = publisher.prepare("django.task", {"task": self.name, "args": args, "kwargs": kwargs},
                                delay_seconds=deferral.delay_seconds, job_id=task_id, group=group, **options)
        deferral.check(job)
        return JobHandle(deferral.dispatch(job, description=f"Outrigger deferred task {self.name}"))

    def envelope_options(self):
        """What the task's options put into each of its envelopes: its queue, time_limit (timeout_s) and max_retries
        (max_attempts = max_retries + 1). publish_task() uses them too."""
        options = {"queue": self.queue}
        if self.time_limit is not None:
            options["timeout_s"] = self.time_limit
        if self.policy is not None and self.policy.max_attempts is not None:
            options["max_attempts"] = self.policy.max_attempts
        return options

    def __repr__(self):
        return f"<@outrigger_task {self.name}>"


def registered_task(fn, name, options):
    """Builds the RegisteredTask for @outrigger_task(name, **options), refusing options it can't honour."""
    unsupported = sorted(set(options) & set(UNSUPPORTED_TASK_OPTIONS))
    unknown = sorted(set(options) - RETRY_OPTIONS - {"queue", "time_limit", "ignore_result"}
                     - set(UNSUPPORTED_TASK_OPTIONS))
    if unsupported or unknown:
        reasons = [f"{o}= ({UNSUPPORTED_TASK_OPTIONS[o]})" for o in unsupported]
        reasons += [f"{o}= (not a Celery task option Outrigger knows)" for o in unknown]
        raise ImproperlyConfigured(f"@outrigger_task({name!r}): " + "; ".join(reasons))
    time_limit = options.get("time_limit")
    if time_limit is not None:
        # the envelope's timeout_s; the schema holds its range, prepare() checks it when the job is published
        if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or time_limit <= 0:
            raise ImproperlyConfigured(f"@outrigger_task({name!r}): time_limit must be a number of seconds")
        time_limit = int(-(-time_limit // 1))
    retry = {k: v for k, v in options.items() if k in RETRY_OPTIONS}
    return RegisteredTask(fn, name, queue=options.get("queue") or "default", time_limit=time_limit,
                          policy=RetryPolicy(**retry) if retry else None)
