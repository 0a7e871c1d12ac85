from django.db import models


class TaskRecord(models.Model):
    task = models.CharField(max_length=100)
    job_id = models.CharField(max_length=200)
    label = models.CharField(max_length=100, blank=True)
    args = models.JSONField(default=list)


class HookRecord(models.Model):
    hook = models.CharField(max_length=100)
    job_id = models.CharField(max_length=200, default="")
    execution_id = models.CharField(max_length=200, blank=True, default="")
    scheduled_time = models.DateTimeField(null=True)
    args = models.JSONField(default=dict)
