"""No tables: these models exist so the console's pages appear in the admin index and carry Django permissions
(view, and per action: redrive, see payloads, pause schedules) that admins grant to users and groups as usual."""
from django.db import models


class DeadLetter(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        permissions = [("redrive_deadletter", "Can dry-run and redrive dead letters"),
                       ("view_payload_deadletter", "Can see dead-lettered job payloads")]
        verbose_name = "dead letter"


class Schedule(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        permissions = [("pause_schedule", "Can pause and resume schedule groups")]
        verbose_name = "schedule"


class Queue(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "queue"


class StateMachine(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "state machine"
