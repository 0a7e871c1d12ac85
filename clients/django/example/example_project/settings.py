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
  OUTRIGGER_CONSOLE_ENDPOINT_URL
                                Lambda, Scheduler and Step Functions for the admin's operations console (the local
                                runtime's emulator at http://127.0.0.1:9325; unset: AWS)
  OUTRIGGER_STACK_ENV           the stack's EnvironmentName, which names its functions and queues (default dev)
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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "outrigger_django",
    # the operators' console in the admin (with OUTRIGGER["CONSOLE"] below)
    "outrigger_django.console",
    "shop",
    "billing",
]
if importlib.util.find_spec("django.tasks") is None:  # Django 4.2 / 5.2: the django-tasks backport is an app
    INSTALLED_APPS += ["django_tasks"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # early, so users get the maintenance page before any work is done for them
    "outrigger_django.middleware.MaintenanceModeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                       "django.contrib.auth.context_processors.auth",
                                       "django.contrib.messages.context_processors.messages"]},
}]
STATIC_URL = "static/"

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

_stack = os.environ.get("OUTRIGGER_STACK_ENV", "dev")
_region = os.environ.get("AWS_REGION", "us-east-1")
# the local runtime's account; in AWS, the stack's
_account = os.environ.get("OUTRIGGER_STACK_ACCOUNT", "000000000000")

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
    # the admin's operations console: names as the stack (template.yaml) gives them
    "CONSOLE": {
        "REDRIVE_FUNCTION": f"outrigger-{_stack}-dlq-redrive",
        "SCHEDULE_TOGGLE_FUNCTION": f"outrigger-{_stack}-schedule-group-toggle",
        "DEAD_LETTER_QUEUES": [f"outrigger-{_stack}-jobs-default-dlq", f"outrigger-{_stack}-jobs-heavy-dlq"],
        "SCHEDULE_GROUPS": [f"outrigger-{_stack}"],
        "STATE_MACHINES": {
            "deploy": f"arn:aws:states:{_region}:{_account}:stateMachine:outrigger-{_stack}-deploy",
            "cutover": f"arn:aws:states:{_region}:{_account}:stateMachine:outrigger-{_stack}-cutover",
        },
        "ENDPOINT_URL": os.environ.get("OUTRIGGER_CONSOLE_ENDPOINT_URL") or None,
    },
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
