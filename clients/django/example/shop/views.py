import json

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from outrigger_django import OutriggerError, publish_many, publish_on_commit, registry

from .models import HookRecord, TaskRecord


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
