"""Example settings: everything that differs between machines comes from environment variables.

  OUTRIGGER_QUEUE_URL_DEFAULT   SQS URL of the default jobs queue (e.g. from `outrigger local up`)
  OUTRIGGER_QUEUE_URL_HEAVY     SQS URL of the heavy jobs queue (optional)
  OUTRIGGER_QUEUE_URL_ORDERS    SQS URL of a FIFO jobs queue (optional; template.yaml shows how to add one)
  OUTRIGGER_SCHEDULE_GROUP, OUTRIGGER_SCHEDULER_ROLE_ARN, OUTRIGGER_SCHEDULER_ENDPOINT_URL
                                for jobs due more than 15 minutes ahead (optional; template outputs, or the local
                                runtime's emulator at http://127.0.0.1:9325)
  OUTRIGGER_ENDPOINT_URL        SQS endpoint, e.g. http://127.0.0.1:9324 (else AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL)
  AWS_REGION                    default us-east-1
  OUTRIGGER_SIGNING_SECRET      the shared secret (read by outrigger_django itself)
  OUTRIGGER_SCHEDULE_GROUP, OUTRIGGER_SCHEDULER_ROLE_ARN, OUTRIGGER_SCHEDULER_DEAD_LETTER_ARN,
  OUTRIGGER_SCHEDULER_ENDPOINT_URL
                                the Tasks backend's options for run_after beyond 15 minutes (EventBridge Scheduler;
                                the local runtime's emulator at http://127.0.0.1:9325)
  EXAMPLE_DB_PATH               SQLite file, default example/db.sqlite3
  DJANGO_ALLOWED_HOSTS          comma-separated, default 127.0.0.1,localhost
  DJANGO_DEBUG                  1 to enable DEBUG
"""
import importlib.util
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "outrigger_django",
    "shop",
    "billing",
]
if importlib.util.find_spec("django.tasks") is None:  # Django 4.2 / 5.2: the django-tasks backport is an app
    INSTALLED_APPS += ["django_tasks"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # early, so users get the maintenance page before any work is done for them
    "outrigger_django.middleware.MaintenanceModeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB_PATH", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {"timeout": 20},
    }
}

_queues = {"default": os.environ.get("OUTRIGGER_QUEUE_URL_DEFAULT", "")}
if os.environ.get("OUTRIGGER_QUEUE_URL_HEAVY"):
    _queues["heavy"] = os.environ["OUTRIGGER_QUEUE_URL_HEAVY"]
if os.environ.get("OUTRIGGER_QUEUE_URL_ORDERS"):
    _queues["orders"] = os.environ["OUTRIGGER_QUEUE_URL_ORDERS"]

OUTRIGGER = {
    "QUEUES": _queues,
    "ENDPOINT_URL": (os.environ.get("OUTRIGGER_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_SQS")
                     or os.environ.get("AWS_ENDPOINT_URL") or None),
    "REGION": os.environ.get("AWS_REGION", "us-east-1"),
    # SIGNING_SECRET unset: the package reads env OUTRIGGER_SIGNING_SECRET
    "TIMESTAMP_TOLERANCE_S": int(os.environ.get("OUTRIGGER_TIMESTAMP_TOLERANCE_S", "300")),
    # the e2e test flips maintenance and expects the very next request to see it
    "MAINTENANCE_CHECK_INTERVAL_S": float(os.environ.get("OUTRIGGER_MAINTENANCE_CHECK_INTERVAL_S", "0")),
    "MAINTENANCE_EXEMPT_PATHS": ["/healthz"],
    # the tasks that were Celery's (the README's migration guide); @outrigger_task registers them under their
    # Celery names, billing.tasks.<function>
    "TASK_MODULES": ["billing.tasks"],
}

TASKS = {
    "default": {
        "BACKEND": "outrigger_django.tasks.OutriggerBackend",
        "QUEUES": list(_queues),
        "OPTIONS": {
            "SCHEDULE_GROUP": os.environ.get("OUTRIGGER_SCHEDULE_GROUP"),
            "SCHEDULER_ROLE_ARN": os.environ.get("OUTRIGGER_SCHEDULER_ROLE_ARN"),
            "SCHEDULER_ENDPOINT_URL": os.environ.get("OUTRIGGER_SCHEDULER_ENDPOINT_URL"),
        },
    }
}

# Django's Tasks framework, run by Outrigger (shop/tasks.py)
TASKS = {
    "default": {
        "BACKEND": "outrigger_django.tasks.OutriggerBackend",
        "QUEUES": ["default"],
        "OPTIONS": {
            "SCHEDULE_GROUP": os.environ.get("OUTRIGGER_SCHEDULE_GROUP"),
            "SCHEDULER_ROLE_ARN": os.environ.get("OUTRIGGER_SCHEDULER_ROLE_ARN"),
            "SCHEDULER_DEAD_LETTER_ARN": os.environ.get("OUTRIGGER_SCHEDULER_DEAD_LETTER_ARN"),
            "SCHEDULER_ENDPOINT_URL": os.environ.get("OUTRIGGER_SCHEDULER_ENDPOINT_URL"),
        },
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"outrigger_django": {"handlers": ["console"], "level": "INFO"}},
}
