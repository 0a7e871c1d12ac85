from django.db import models


class OutriggerJobRunQuerySet(models.QuerySet):
    def finished_before(self, cutoff):
        """Runs that ended (succeeded, or failed for good) before cutoff: what pruning may delete."""
        return self.filter(finished_at__lt=cutoff)

    def prune(self, cutoff, *, batch_size=10_000, limit=None):
        """Deletes finished runs older than cutoff in batches of batch_size (each its own statement, so locks stay
        short), at most limit rows when given. Returns the number deleted. Runs still ready or running are kept:
        a deferred task waits in the table for its time, and a running claim is what makes a delivery run once."""
        deleted = 0
        while limit is None or deleted < limit:
            take = batch_size if limit is None else min(batch_size, limit - deleted)
            ids = list(self.finished_before(cutoff).order_by("finished_at").values_list("pk", flat=True)[:take])
            if not ids:
                break
            count, _ = self.model.objects.using(self.db).filter(pk__in=ids).delete()
            deleted += count
        return deleted


class OutriggerJobRun(models.Model):
    """One row per job id (a task's envelope id, a hook call's derived id): the claim that makes a repeated delivery
    run once, and, for Tasks-framework tasks, the result store behind get_result() (written READY at enqueue)."""

    KIND_TASK = "task"
    KIND_HOOK = "hook"
    KIND_CHOICES = [(KIND_TASK, "task"), (KIND_HOOK, "hook")]

    READY = "ready"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    # ready: enqueued and not yet run, or a try failed and the worker will retry; failed: for good (the last allowed
    # attempt, or PermanentError)
    STATUS_CHOICES = [(READY, "ready"), (RUNNING, "running"), (SUCCEEDED, "succeeded"), (FAILED, "failed")]

    job_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    # the @outrigger_task / @outrigger_hook name, or a Tasks-framework task's module path
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, db_index=True)
    # the delivery attempt of the latest try (SQS's receive count, as the worker reports it)
    attempts = models.PositiveIntegerField(default=1)
    # which delivery holds the claim; the success update is conditional on it (see views._run_once)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    last_error = models.CharField(max_length=200, blank=True, default="")
    # [{"exception_class_path", "traceback"}] of every failed try, oldest first
    errors = models.JSONField(default=list, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # when the latest try started; a running claim older than CLAIM_TIMEOUT_S is taken to be dead
    last_attempted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Tasks framework only (empty for @outrigger_task and hooks): what get_result() rebuilds the TaskResult from
    backend = models.CharField(max_length=100, blank=True, default="")
    queue_name = models.CharField(max_length=100, blank=True, default="")
    run_after = models.DateTimeField(null=True, blank=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    return_value = models.JSONField(null=True, blank=True)

    objects = OutriggerJobRunQuerySet.as_manager()

    class Meta:
        verbose_name = "Outrigger job run"
        indexes = [
            # pruning walks finished rows oldest first; get_result() uses job_id's unique index
            models.Index(fields=["finished_at"], name="outrigger_run_finished_idx"),
            # the admin's "by task" filter and list
            models.Index(fields=["name", "status"], name="outrigger_run_name_status_idx"),
        ]

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
    # when the call that last flipped `enabled` was issued (its signed issued_at, else its signed timestamp), as UTC
    # ISO 8601 with microseconds: a call issued before it is refused, so a replayed "on" can't undo a later "off"
    last_change_issued_at = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "Outrigger maintenance state"


class OutriggerWriteProbe(models.Model):
    """Rows verify-writes creates, reads back and deletes to prove the database takes writes."""

    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
