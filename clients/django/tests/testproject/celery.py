"""The test project's Celery app, as `django-admin startproject` + Celery's first-steps guide write it."""
from celery import Celery

app = Celery("testproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
