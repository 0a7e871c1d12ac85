import json

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from outrigger_django import OutriggerError, publish_on_commit

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
