from django.db import models


class OutriggerJobRun(models.Model):
    """One row per job id (a task's envelope id, a hook call's derived id): the claim that makes a repeated delivery run once."""

    KIND_TASK = "task"
    KIND_HOOK = "hook"
    KIND_CHOICES = [(KIND_TASK, "task"), (KIND_HOOK, "hook")]

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [(RUNNING, "running"), (SUCCEEDED, "succeeded"), (FAILED, "failed")]

    job_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    name = models.CharField(max_length=128)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, db_index=True)
    attempts = models.PositiveIntegerField(default=1)
    # which delivery holds the claim; the success update is conditional on it (see views._run_once)
    claim_token = models.CharField(max_length=32)
    last_error = models.CharField(max_length=200, blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Outrigger job run"

    def __str__(self):
        return f"{self.kind} {self.name} {self.job_id} {self.status}"


class MaintenanceState(models.Model):
    """A single row (pk=1). Stored in the database, not the cache, so every web process sees the same switch
    (the default LocMemCache is per process) and so it survives restarts and the cutover's service roll."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK)
    enabled = models.BooleanField(default=False)
    reason = models.CharField(max_length=500, blank=True, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Outrigger maintenance state"


class OutriggerWriteProbe(models.Model):
    """Rows verify-writes creates, reads back and deletes to prove the database takes writes."""

    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
