from django.db import models


class TaskRecord(models.Model):
    """One row per task run: the e2e test counts these to prove "exactly once"."""

    job_id = models.CharField(max_length=200)
    task = models.CharField(max_length=100)
    label = models.CharField(max_length=200, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)


class HookRecord(models.Model):
    """One row per hook run: the dedupe key (job_id, derived from hook name + scheduled time) and the scheduler's
    execution id, which may differ between two deliveries of one firing."""

    job_id = models.CharField(max_length=200, default="")
    execution_id = models.CharField(max_length=200, blank=True)
    hook = models.CharField(max_length=100)
    scheduled_time = models.DateTimeField(null=True)
    args = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
