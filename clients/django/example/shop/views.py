import json
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from outrigger_django import OutriggerError, publish_many, publish_on_commit, registry

from . import tasks
from .models import HookRecord, TaskRecord

# the tasks /example/tasks/enqueue may start, by name (never any importable name from a request)
TASKS = {"remember": tasks.remember, "always_fails": tasks.always_fails}


def home(request):
    return HttpResponse("example shop")


def healthz(request):
    return JsonResponse({"ok": True})


def records(request):
    """What the e2e test reads back: every task and hook row."""
    return JsonResponse({
        "tasks": list(TaskRecord.objects.order_by("id").values("job_id", "task", "label", "attempt")),
        "hooks": list(HookRecord.objects.order_by("id").values("job_id", "execution_id", "hook", "args")),
    })


@csrf_exempt
def publish_view(request):
    """POST {"task", "args", "kwargs", "job_id"?, "queue"?, "max_attempts"?} -> {"job_id"}: publishes the way
    application code does, inside a transaction with publish_on_commit. Example/e2e only: no authentication."""
    if request.method != "POST":
        return JsonResponse({"error": "use POST"}, status=405)
    try:
        body = json.loads(request.body or b"{}")
        with transaction.atomic():
            job_id = publish_on_commit(
                "django.task",
                {"task": body["task"], "args": body.get("args", []), "kwargs": body.get("kwargs", {})},
                queue=body.get("queue", "default"), job_id=body.get("job_id"),
                max_attempts=body.get("max_attempts"))
    except (KeyError, TypeError, OutriggerError, ValueError, ImproperlyConfigured) as e:
        return JsonResponse({"error": type(e).__name__, "message": str(e)}, status=400)
    return JsonResponse({"job_id": job_id})


@csrf_exempt
def enqueue_task(request):
    """POST {"task": "remember"|"always_fails", "args", "kwargs", "run_after_s"?} -> {"id", "status"}: enqueues the
    Django way (task.enqueue, or task.using(run_after=...) for later). Example/e2e only: no authentication."""
    if request.method != "POST":
        return JsonResponse({"error": "use POST"}, status=405)
    body = json.loads(request.body or b"{}")
    task = TASKS.get(body.get("task"))
    if task is None:
        return JsonResponse({"error": "unknown task", "known": sorted(TASKS)}, status=400)
    if body.get("run_after_s") is not None:
        task = task.using(run_after=timezone.now() + timedelta(seconds=float(body["run_after_s"])))
    result = task.enqueue(*body.get("args", []), **body.get("kwargs", {}))
    return JsonResponse({"id": result.id, "status": str(result.status),
                         "run_after": task.run_after.isoformat() if task.run_after else None})


def task_result(request, result_id):
    """GET -> what get_result() says about one enqueued task."""
    result = tasks.remember.get_backend().get_result(result_id)
    body = {"status": str(result.status), "attempts": result.attempts,
            "errors": [{"exception_class_path": e.exception_class_path, "traceback": e.traceback}
                       for e in result.errors],
            "run_after": result.task.run_after.isoformat() if result.task.run_after else None}
    for name in ("enqueued_at", "started_at", "last_attempted_at", "finished_at"):
        when = getattr(result, name)
        body[name] = when.isoformat() if when else None
    if body["status"] == "SUCCESSFUL":
        body["return_value"] = result.return_value
    return JsonResponse(body)


@csrf_exempt
def celery_call_view(request):
    """POST {"task": "billing.…", "call": "delay" | "apply_async", "args", "kwargs", "options": {countdown, eta, queue,
    task_id, group}} -> {"job_id"}: a Celery call site, on an @outrigger_task or a Tasks-framework task of the billing
    app. POST {"call": "publish_many", "jobs": [publish() arguments, …]} -> {"job_ids"}. Example/e2e only."""
    if request.method != "POST":
        return JsonResponse({"error": "use POST"}, status=405)
    try:
        body = json.loads(request.body or b"{}")
        if body.get("call") == "publish_many":
            return JsonResponse({"job_ids": publish_many(body["jobs"])})
        name = body["task"]
        if not name.startswith("billing."):
            raise ValueError("only the billing app's tasks")
        task = registry.get_task(name) or import_string(name)
        args, kwargs = body.get("args", []), body.get("kwargs", {})
        options = dict(body.get("options", {}))
        if "eta" in options:
            options["eta"] = parse_datetime(options["eta"])
        if body.get("call") == "delay":
            result = task.delay(*args, **kwargs)
        else:
            result = task.apply_async(args, kwargs, **options)
    except (KeyError, TypeError, ImportError, OutriggerError, ValueError, ImproperlyConfigured) as e:
        return JsonResponse({"error": type(e).__name__, "message": str(e)}, status=400)
    return JsonResponse({"job_id": result.id})
