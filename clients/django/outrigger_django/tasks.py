"""OutriggerBackend: Outrigger as a backend of Django's Tasks framework (django.tasks, or the django_tasks backport).

    TASKS = {"default": {"BACKEND": "outrigger_django.tasks.OutriggerBackend", "QUEUES": ["default", "heavy"],
                         "OPTIONS": {...}}}

enqueue() publishes one django.task job through the same path as publish() (publisher.prepare: the schema, the
queue's size limit, the send), after writing the job's row READY in the job-run table. The worker's signed call runs
the task inside Django (views.task -> FrameworkCall) and writes the outcome to that row, which get_result() reads.
"""
import json
import logging
import uuid
from datetime import datetime
from datetime import timezone as dt_timezone

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone
from django.utils.module_loading import import_string

from . import conf, deferred, publisher
from .exceptions import BatchNotSent, OutriggerError
from .taskapi import (
    BaseTaskBackend, InvalidTask, Task, TaskContext, TaskError, TaskResult, TaskResultDoesNotExist,
    TaskResultStatus, normalize_json, task_backends, task_enqueued, task_finished, task_started,
)

log = logging.getLogger("outrigger_django")

JOB_TYPE = "django.task"

OPTION_DEFAULTS = {
    # the schedule group for run_after more than 15 minutes away (template output DeferredScheduleGroupName)
    "SCHEDULE_GROUP": None,
    # the role EventBridge Scheduler assumes to send the job (template output DeferredSchedulerRoleArn)
    "SCHEDULER_ROLE_ARN": None,
    # where a deferred job goes if Scheduler cannot deliver it (template output SchedulerDLQArn); optional
    "SCHEDULER_DEAD_LETTER_ARN": None,
    # EventBridge Scheduler endpoint override, e.g. the local runtime's emulator (http://127.0.0.1:9325)
    "SCHEDULER_ENDPOINT_URL": None,
}

_STATUS = {
    "ready": TaskResultStatus.READY,
    "running": TaskResultStatus.RUNNING,
    "succeeded": TaskResultStatus.SUCCESSFUL,
    "failed": TaskResultStatus.FAILED,
}


class NotAnOutriggerTask(OutriggerError):
    """What a signed call named is not a Task of an OutriggerBackend; nothing was run."""


class OutriggerTask(Task):
    """A Task of an OutriggerBackend (its task_class): the framework's Task, plus Celery's call sites and bulk enqueue.

    .delay(*args, **kwargs) is .enqueue(*args, **kwargs). .apply_async(args, kwargs, countdown=, eta=, queue=,
    task_id=, group=) is .using(run_after=..., queue_name=...).enqueue(...) with task_id as the result id (the job
    id) and group as the SQS MessageGroupId (FIFO queues need one). Other Celery options are refused with the reason
    (calls.UNSUPPORTED_CALL_OPTIONS). .enqueue_many([(args, kwargs), ...]) sends in batches of 10."""

    __slots__ = ()

    def delay(self, *args, **kwargs):
        return self.enqueue(*args, **kwargs)

    def apply_async(self, args=None, kwargs=None, *, countdown=None, eta=None, queue=None, task_id=None, group=None,
                    **options):
        from . import calls

        calls.refuse_unsupported(options)
        args, kwargs = calls.call_arguments(args, kwargs)
        task = self.using(run_after=calls.run_after(countdown, eta), queue_name=queue)
        return task.get_backend()._enqueue(task, args, kwargs, job_id=task_id, group=group)

    def enqueue_many(self, arguments, *, group=None):
        return self.get_backend().enqueue_many(self, arguments, group=group)


class OutriggerBackend(BaseTaskBackend):
    """Each enqueue is one SQS message on the Outrigger queue named by the task's queue_name (OUTRIGGER["QUEUES"]);
    the Java worker runs it with retries, backoff and a dead-letter queue, and calls Django to run the function."""

    task_class = OutriggerTask
    supports_defer = True
    # the signed call runs the function in a synchronous view, inside a transaction with the run's result
    supports_async_task = False
    supports_get_result = True
    # SQS has no message priority: every message of a queue is as likely to be received next as any other
    supports_priority = False

    def __init__(self, alias, params):
        super().__init__(alias, params)
        unknown = set(self.options) - set(OPTION_DEFAULTS)
        if unknown:
            raise ImproperlyConfigured(f"TASKS[{alias!r}]['OPTIONS'] has unknown keys {sorted(unknown)} "
                                       f"(known: {sorted(OPTION_DEFAULTS)})")
        self.settings = {**OPTION_DEFAULTS, **self.options}

    # ------------------------------------------------------------------ validation

    def validate_task(self, task):
        if task.priority != 0:
            raise InvalidTask(
                f"priority {task.priority} given, but OutriggerBackend has no priorities: SQS does not deliver messages "
                "in priority order. Send urgent work to its own queue instead (queue_name=...).")
        super().validate_task(task)
        if task.run_after is not None and timezone.is_naive(task.run_after):
            raise InvalidTask(f"run_after {task.run_after.isoformat()} is naive: give an aware datetime, e.g. "
                              "timezone.now() + timedelta(hours=1), so it means the same instant everywhere.")

    def _check_importable(self, task):
        # The worker's call names the task by module path; Django in another process must find this same Task there.
        # (Not part of validate_task: that also runs while @task decorates, before the module has the name.)
        module = task.func.__module__
        path = task.module_path
        if module == "__main__" or "<locals>" in path:
            raise InvalidTask(f"task {path} is not importable by module path: define it at module level "
                              "in an installed app's module")
        if apps.ready and apps.get_containing_app_config(module) is None and module not in conf.get("TASK_MODULES"):
            raise InvalidTask(f"task {path}: module {module} is not inside an installed app (INSTALLED_APPS) nor "
                              'listed in OUTRIGGER["TASK_MODULES"], so the signed call could not load it')
        try:
            found = import_string(path)
        except ImportError:
            found = None
        if not isinstance(found, Task) or found.func is not task.func:
            raise InvalidTask(f"{path} is not the Task itself: decorate the module-level function with @task "
                              "where it is defined, and don't rename it")

    def _json_arguments(self, args, kwargs, where=""):
        """args and kwargs as they will be on the wire, or InvalidTask: they must be JSON and come back unchanged."""
        try:
            normalized = normalize_json({"args": list(args), "kwargs": dict(kwargs)})
            text = json.dumps(normalized, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise InvalidTask(f"{where}task arguments are not JSON: {e}") from e
        if json.loads(text) != normalized:
            raise InvalidTask(f"{where}task arguments do not survive a JSON round trip unchanged (dict keys must be "
                              "strings)")
        return normalized["args"], normalized["kwargs"]

    # ------------------------------------------------------------------ enqueue

    def enqueue(self, task, args, kwargs):
        return self._enqueue(task, args, kwargs)

    def _enqueue(self, task, args, kwargs, job_id=None, group=None):
        """enqueue(), with Celery's task_id (the job id) and Outrigger's group (the SQS MessageGroupId)."""
        (job, deferral, row), = self._prepare(task, [(args, kwargs)], job_ids=[job_id], group=group)
        from .models import OutriggerJobRun as Run

        runs = Run.objects.using(conf.database())
        run = runs.create(**row)
        try:
            deferral.dispatch(job, description=f"Outrigger deferred task {task.module_path}")
            if deferral.scheduled:
                log.info("outrigger task deferred id=%s task=%s queue=%s run_after=%s", job.job_id, task.module_path,
                         task.queue_name, task.run_after.isoformat())
        except Exception:
            # nothing was sent: don't leave a READY row behind that would never run
            _forget(runs, [run.pk], job.job_id)
            raise
        result = self._result(run, task)
        task_enqueued.send(type(self), task_result=result)
        return result

    def enqueue_many(self, task, arguments, *, group=None):
        """Enqueues `task` once per (args, kwargs) of arguments, sending with SendMessageBatch (10 jobs a request;
        publisher.publish_many). Every call is checked first: one bad call raises InvalidTask naming it, and nothing
        is written or sent. If SQS refuses some, their rows are removed and BatchNotSent says which were sent. Returns
        the TaskResults in order. A run_after beyond 15 minutes is one schedule per job (Scheduler has no batch)."""
        arguments = [(list(a), dict(k)) for a, k in arguments]
        prepared = self._prepare(task, arguments, job_ids=[None] * len(arguments), group=group)
        if not prepared:
            return []
        from .models import OutriggerJobRun as Run

        runs = Run.objects.using(conf.database())
        created = runs.bulk_create([Run(**row) for _, _, row in prepared])
        by_id = {run.job_id: run for run in runs.filter(job_id__in=[row["job_id"] for _, _, row in prepared])}
        deferral = prepared[0][1]
        jobs = [job for job, _, _ in prepared]
        try:
            if deferral.scheduled:
                for n, job in enumerate(jobs):
                    try:
                        deferral.dispatch(job, description=f"Outrigger deferred task {task.module_path}")
                    except Exception as e:
                        # the schedules made so far stand (their jobs will run); the rest are not sent
                        raise BatchNotSent([j.job_id for j in jobs[:n]], [(job, type(e).__name__, str(e))],
                                           jobs[n + 1:]) from e
            else:
                publisher.send_many(jobs)
        except BatchNotSent as e:
            unsent = [job.job_id for job, _, _ in e.failed] + [job.job_id for job in e.not_tried]
            _forget(runs, [by_id[i].pk for i in unsent], ", ".join(unsent))
            raise
        except Exception:
            _forget(runs, [run.pk for run in by_id.values()], f"{len(created)} jobs")
            raise
        results = []
        for job in jobs:
            result = self._result(by_id[job.job_id], task)
            task_enqueued.send(type(self), task_result=result)
            results.append(result)
        return results

    def _prepare(self, task, arguments, job_ids, group):
        """Checks the task and every call and prepares its envelope, its deferral and its job-run row, before
        anything is written or sent. Raises InvalidTask naming the problem (and the call, for several)."""
        from .models import OutriggerJobRun as Run

        self.validate_task(task)
        self._check_importable(task)
        now = timezone.now()
        # run_after is always aware (validate_task), timezone.now() only with USE_TZ
        deferral = deferred.Deferral(task.run_after, datetime.now(dt_timezone.utc), self.settings,
                                     options_name=f"TASKS[{self.alias!r}]['OPTIONS']")
        out = []
        for index, ((args, kwargs), job_id) in enumerate(zip(arguments, job_ids)):
            where = f"call {index}: " if len(arguments) > 1 else ""
            args, kwargs = self._json_arguments(args, kwargs, where)
            result_id = str(uuid.uuid4()) if job_id is None else job_id
            payload = {"task": task.module_path, "args": args, "kwargs": kwargs, "backend": self.alias,
                       "queue_name": task.queue_name}
            try:
                job = publisher.prepare(JOB_TYPE, payload, queue=task.queue_name, delay_seconds=deferral.delay_seconds,
                                        job_id=result_id, group=group)
                deferral.check(job)
            except (ImproperlyConfigured, ValueError) as e:
                # an unknown Outrigger queue, an envelope the schema refuses, one over the queue's size limit, a FIFO
                # queue without a group, a deferral without the scheduler options
                raise InvalidTask(where + str(e)) from e
            row = dict(job_id=result_id, kind=Run.KIND_TASK, name=task.module_path, status=Run.READY, attempts=0,
                       enqueued_at=now, backend=self.alias, queue_name=task.queue_name,
                       run_after=_stored(task.run_after), args=args, kwargs=kwargs)
            out.append((job, deferral, row))
        if len({job.job_id for job, _, _ in out}) != len(out):
            raise InvalidTask("two calls have the same task id")
        return out

    # ------------------------------------------------------------------ results

    def get_result(self, result_id):
        from .models import OutriggerJobRun as Run

        run = Run.objects.using(conf.database()).filter(job_id=result_id, backend=self.alias).first()
        if run is None:
            raise TaskResultDoesNotExist(f"no task result {result_id!r} for backend {self.alias!r}")
        return self._result(run)

    def _result(self, run, task=None):
        if task is None:
            task = import_string(run.name)
            changes = {"backend": self.alias, "queue_name": run.queue_name}
            if run.run_after is not None:
                changes["run_after"] = _aware(run.run_after)
            task = task.using(**changes)
        result = TaskResult(
            task=task,
            id=run.job_id,
            status=_STATUS[run.status],
            enqueued_at=run.enqueued_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            last_attempted_at=run.last_attempted_at,
            args=list(run.args),
            kwargs=dict(run.kwargs),
            backend=self.alias,
            errors=[TaskError(exception_class_path=e["exception_class_path"], traceback=e["traceback"])
                    for e in run.errors],
            # Outrigger's worker for a queue is its Lambda function; one entry per delivery attempt, so that
            # TaskResult.attempts (and TaskContext.attempt) is the real SQS receive count
            worker_ids=[f"outrigger:{run.queue_name}"] * run.attempts,
        )
        object.__setattr__(result, "_return_value", run.return_value)
        return result

    def check(self, **kwargs):
        from django.core import checks

        configured = conf.get("QUEUES") or {}
        problems = []
        for queue in sorted(self.queues):
            if queue not in configured:
                problems.append(checks.Error(
                    f"TASKS[{self.alias!r}] queue {queue!r} has no URL in OUTRIGGER[\"QUEUES\"]",
                    hint=f"configured Outrigger queues: {', '.join(sorted(configured)) or 'none'}",
                    id="outrigger.E004"))
        if bool(self.settings["SCHEDULE_GROUP"]) != bool(self.settings["SCHEDULER_ROLE_ARN"]):
            problems.append(checks.Error(
                f"TASKS[{self.alias!r}]['OPTIONS'] needs both SCHEDULE_GROUP and SCHEDULER_ROLE_ARN, or neither",
                id="outrigger.E005"))
        return problems


def _forget(runs, pks, what):
    """Removes the READY rows of jobs that were not sent, which would otherwise never run."""
    try:
        runs.filter(pk__in=pks).delete()
    except DatabaseError:
        log.warning("outrigger could not remove the rows of unsent tasks (%s)", what)


def _stored(when):
    """run_after as the database takes it: aware with USE_TZ, else naive in TIME_ZONE (as Django stores datetimes)."""
    if when is None or settings.USE_TZ:
        return when
    return timezone.make_naive(when, timezone.get_default_timezone())


def _aware(when):
    return when if timezone.is_aware(when) else timezone.make_aware(when, timezone.get_default_timezone())


class FrameworkCall:
    """One signed call of a Tasks-framework task: which Task runs, with the TaskContext of the real attempt."""

    def __init__(self, name, payload, job_id):
        self.job_id = job_id
        self.args = payload.get("args") or []
        self.kwargs = payload.get("kwargs") or {}
        alias = payload.get("backend")
        self.queue_name = str(payload.get("queue_name") or "")
        # Only a Task object of an OutriggerBackend runs here, never an arbitrary importable callable: the queue's
        # writers are not trusted to name code. The module must belong to an installed app (or TASK_MODULES), so
        # the call can't make Django import any module on the path either.
        module = name.rsplit(".", 1)[0] if "." in name else name
        if apps.get_containing_app_config(module) is None and module not in conf.get("TASK_MODULES"):
            raise NotAnOutriggerTask(f"{name!r} is not in an installed app")
        try:
            task = import_string(name)
        except ImportError:
            raise NotAnOutriggerTask(f"no task {name!r}")
        if not isinstance(task, Task) or task.module_path != name:
            raise NotAnOutriggerTask(f"{name!r} is not a @task")
        if not isinstance(alias, str) or alias not in getattr(settings, "TASKS", {}):
            raise NotAnOutriggerTask(f"backend {alias!r} of task {name!r} is not in TASKS")
        self.backend = task_backends[alias]
        if not isinstance(self.backend, OutriggerBackend):
            raise NotAnOutriggerTask(f"backend {alias!r} is not an OutriggerBackend")
        self.task = task

    def row_defaults(self):
        """What the claim writes when the READY row is missing (the enqueue's transaction rolled back after the
        message had gone), so get_result still finds the run."""
        return {"backend": self.backend.alias, "queue_name": self.queue_name, "args": self.args,
                "kwargs": self.kwargs}

    def __call__(self):
        result = self.backend.get_result(self.job_id)
        task_started.send(type(self.backend), task_result=result)
        if self.task.takes_context:
            return self.task.call(TaskContext(task_result=result), *self.args, **self.kwargs)
        return self.task.call(*self.args, **self.kwargs)

    @staticmethod
    def encode_return(value):
        """The return value as stored; TypeError/ValueError when it is not JSON (the run then fails for good)."""
        normalized = normalize_json(value)
        json.dumps(normalized, allow_nan=False)
        return normalized

    def finished(self):
        task_finished.send(type(self.backend), task_result=self.backend.get_result(self.job_id))
