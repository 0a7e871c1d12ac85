"""A minimal real Django project for the package's tests: SQLite on disk (so threads share one database)."""
import importlib.util
import os
import tempfile
from datetime import timedelta

import tasks_framework

BASE = os.path.join(tempfile.gettempdir(), f"outrigger-django-tests-{os.getpid()}")

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "testproject.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django 6.0+ has the Tasks framework built in; on 4.2 and 5.2 it is the django_tasks backport, an app
TASKS_FRAMEWORK = tasks_framework.NAME

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "outrigger_django",
    "outrigger_django.console",
    "testapp",
    *tasks_framework.APPS,   # the django_tasks backport's app on Django < 6.0
    # django-celery-beat where it is installed (Debian sid's, beside Celery, for Django 5.2 and 6.1)
    *(["django_celery_beat"] if importlib.util.find_spec("django_celery_beat") else []),
]

MIDDLEWARE = [
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
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE + ".sqlite3",
        # an on-disk test database: the in-memory one uses SQLite's shared cache, whose table locks fail at
        # once instead of waiting, which would break the two-threads-at-once test
        "TEST": {"NAME": BASE + "-test.sqlite3"},
        "OPTIONS": {"timeout": 20},
    }
}

TEST_SECRET = "test-signing-secret-0123456789"

OUTRIGGER = {
    "QUEUES": {
        "default": "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-default",
        "heavy": "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-heavy",
    },
    "REGION": "eu-west-1",
    # per queue, so the stubbed tests need no GetQueueAttributes; tests that read it from the queue drop this
    "MAX_MESSAGE_BYTES": {"default": 262144, "heavy": 1048576},
    "SIGNING_SECRET": TEST_SECRET,
    "TIMESTAMP_TOLERANCE_S": 300,
    "MAINTENANCE_CHECK_INTERVAL_S": 0,
    "MAINTENANCE_EXEMPT_PATHS": ["/healthz", "/status/"],
    # the operators' console (tests/test_console*.py point ENDPOINT_URL at a real local runtime or moto)
    "CONSOLE": {
        "REDRIVE_FUNCTION": "outrigger-dev-dlq-redrive",
        "SCHEDULE_TOGGLE_FUNCTION": "outrigger-dev-schedule-group-toggle",
        "DEAD_LETTER_QUEUES": ["outrigger-dev-jobs-default-dlq"],
        "SCHEDULE_GROUPS": ["outrigger-dev"],
        "STATE_MACHINES": {},
    },
}

TASKS = {
    "default": {
        "BACKEND": "outrigger_django.tasks.OutriggerBackend",
        "QUEUES": ["default", "heavy"],
        "OPTIONS": {
            "SCHEDULE_GROUP": "outrigger-test-deferred",
            "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/outrigger-test-deferred-scheduler",
        },
    },
    # a backend that is not Outrigger's: the signed endpoint must refuse its tasks
    "immediate": {"BACKEND": TASKS_FRAMEWORK + ".backends.immediate.ImmediateBackend"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"outrigger_django": {"handlers": ["null"], "propagate": True}},
}

# The Celery app of testproject/celery.py reads these (namespace CELERY), as a project's celery.py does. The beat
# schedule is written the way settings files write it: assigned entry by entry, through names, from the environment.
CELERY_TIMEZONE = "Europe/Berlin"
if importlib.util.find_spec("celery"):
    from celery.schedules import crontab, solar

    PING_EVERY = timedelta(minutes=5)
    CELERY_BEAT_SCHEDULE = {}
    CELERY_BEAT_SCHEDULE["nightly-report"] = {
        "task": "reports.generate",
        "schedule": crontab(minute=15, hour=int(os.environ.get("OUTRIGGER_TEST_REPORT_HOUR", "4"))),
        "args": [2027],
        "kwargs": {"fmt": "pdf"},
    }
    CELERY_BEAT_SCHEDULE["ping"] = {"task": "health.ping", "schedule": PING_EVERY}
    CELERY_BEAT_SCHEDULE["weekly-digest"] = {
        "task": "digest.send",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
        "options": {"queue": "heavy", "priority": 3},
    }
    CELERY_BEAT_SCHEDULE["quarter-hours-at-night"] = {
        "task": "cache.warm", "schedule": crontab(minute="*/15", hour="1-3"),
    }
    CELERY_BEAT_SCHEDULE["too-often"] = {"task": "health.ping", "schedule": 30.0}
    CELERY_BEAT_SCHEDULE["at-dawn"] = {"task": "lights.off", "schedule": solar("dawn_civil", 52.52, 13.40)}
