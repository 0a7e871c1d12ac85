"""The console's pages in the Django admin. Views only translate HTTP: what they show comes from AWS (or `outrigger
local up`) through aws.py, and what they change goes through the stack's own functions, so there is one redrive
(rate limit, loop guard, audit event) and one pause/resume. Staff only (the admin site's login), a Django permission
per action, every action in the admin log."""
import json

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import conf, pages
from .aws import ConsoleError
from .models import DeadLetter, Queue, Schedule, StateMachine


def log_action(request, model, object_id, object_repr, message):
    """An admin-log entry (the page "Recent actions" and each user's history) for something the console did.
    Written directly: there is no database row to pass to log_action/log_actions."""
    LogEntry.objects.create(user_id=request.user.pk, content_type=ContentType.objects.get_for_model(model),
                            object_id=object_id, object_repr=object_repr[:200], action_flag=CHANGE,
                            change_message=message)


class ConsolePageAdmin(admin.ModelAdmin):
    """A page, not a table: no add, change or delete; its changelist is the page."""
    template = None
    title = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def perm(self, request, codename):
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def require(self, request, codename):
        if not self.perm(request, codename):
            raise PermissionDenied(f"needs the permission {self.opts.app_label}.{codename}")

    def render(self, request, template, context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": self.title,
                   "has_view_permission": True, **context}
        return TemplateResponse(request, f"outrigger_console/{template}", context)

    def url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def page_url(self, suffix="changelist", *args):
        return reverse(f"admin:{self.url_name(suffix)}", args=args)


@admin.register(DeadLetter)
class DeadLetterAdmin(ConsolePageAdmin):
    title = "Dead letters"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("redrive/", wrap(self.redrive_view), name=self.url_name("redrive")),
            path("<str:queue>/message/<str:job_id>/", wrap(self.message_view), name=self.url_name("message")),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.render(request, "dead_letters.html", {
            "queues": pages.dead_letter_summaries(), "can_redrive": self.perm(request, "redrive_deadletter"),
            "redrive_url": self.page_url("redrive")})

    def message_view(self, request, queue, job_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if queue not in conf.dead_letter_queues():
            return self.render(request, "message.html", {"error": f"{queue} is not one of the console's dead-letter "
                               f'queues (OUTRIGGER["CONSOLE"]["DEAD_LETTER_QUEUES"])', "queue": queue})
        can_see_payload = self.perm(request, "view_payload_deadletter")
        try:
            message = pages.dead_letter(queue, job_id)
        except ConsoleError as e:
            return self.render(request, "message.html", {"error": str(e), "queue": queue, "job_id": job_id})
        body = message.pop("body", None)
        return self.render(request, "message.html", {
            "queue": queue, "job_id": job_id, "message": message, "can_see_payload": can_see_payload,
            "outrigger_attributes": sorted((k, v) for k, v in (message.get("attributes") or {}).items()
                                           if k.startswith("outrigger-")),
            "body": pages.pretty(body) if can_see_payload else None})

    def redrive_view(self, request):
        if request.method != "POST":
            return redirect(self.page_url())
        self.require(request, "redrive_deadletter")
        queue = request.POST.get("queue", "")
        if queue not in conf.dead_letter_queues():
            messages.error(request, f"{queue or '(no queue)'} is not one of the console's dead-letter queues")
            return redirect(self.page_url())
        dry_run = request.POST.get("mode") != "redrive"
        try:
            selections = pages.redrive_selections(request.POST)
        except ValueError as e:
            messages.error(request, str(e))
            return redirect(self.page_url())
        if not selections and request.POST.get("confirm_all") != "yes":
            # Everything in the DLQ: say how many first, and move nothing until the operator confirms.
            try:
                summary = pages.inspect(queue)
            except ConsoleError as e:
                messages.error(request, str(e))
                return redirect(self.page_url())
            return self.render(request, "confirm_redrive.html", {
                "queue": queue, "dry_run": dry_run, "count": summary.get("scanned", 0),
                "complete": summary.get("complete", True),
                "in_flight": summary.get("approximateInFlight"), "redrive_url": self.page_url("redrive")})
        user = request.user.get_username()
        reports = []
        for selection in selections or [{"all": True}]:
            payload = {"action": "redrive", "queue": queue, "dryRun": dry_run, "requestedBy": user, **selection}
            try:
                report = pages.invoke_redrive(payload)
            except ConsoleError as e:
                messages.error(request, str(e))
                continue
            reports.append({"selection": selection, "report": report})
            log_action(request, DeadLetter, queue, f"{'dry run' if dry_run else 'redrive'} {queue}",
                       f"{'Dry run' if dry_run else 'Redrive'} of {queue} {json.dumps(selection, sort_keys=True)}: "
                       f"matched {report.get('matched', 0)}, moved {len(report.get('moved') or [])}, "
                       f"refused {len(report.get('refused') or [])}, failed {len(report.get('failed') or [])}")
        return self.render(request, "redrive_result.html", {"queue": queue, "dry_run": dry_run, "reports": reports,
                                                           "back_url": self.page_url()})


@admin.register(Schedule)
class ScheduleAdmin(ConsolePageAdmin):
    title = "Schedules"

    def get_urls(self):
        return [path("toggle/", self.admin_site.admin_view(self.toggle_view), name=self.url_name("toggle"))] \
            + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.render(request, "schedules.html", {
            "groups": pages.schedule_groups(), "can_pause": self.perm(request, "pause_schedule"),
            "toggle_url": self.page_url("toggle")})

    def toggle_view(self, request):
        if request.method != "POST":
            return redirect(self.page_url())
        self.require(request, "pause_schedule")
        group = request.POST.get("group", "")
        action = request.POST.get("action")
        if group not in conf.get("SCHEDULE_GROUPS") or action not in ("pause", "resume"):
            messages.error(request, f"cannot {action or '?'} {group or '(no group)'}: not one of the console's schedule "
                                    f'groups (OUTRIGGER["CONSOLE"]["SCHEDULE_GROUPS"])')
            return redirect(self.page_url())
        content_type = ContentType.objects.get_for_model(Schedule)
        try:
            if action == "pause":
                result = pages.invoke_toggle({"action": "pause", "group": group})
                paused = result.get("paused") or []
                # The toggle function resumes exactly what a pause paused: the admin log keeps that list.
                log_action(request, Schedule, group, f"pause {group}", json.dumps(
                    [{"changed": {"name": "schedule group", "object": group, "fields": paused}}]))
                messages.success(request, f"Paused {len(paused)} schedule(s) of {group}"
                                          + (f"; already disabled: {', '.join(result.get('already_disabled'))}"
                                             if result.get("already_disabled") else ""))
            else:
                last_pause = LogEntry.objects.filter(content_type=content_type, object_id=group,
                                                     object_repr=f"pause {group}").order_by("-action_time", "-pk").first()
                if last_pause is None:
                    messages.error(request, f"{group} was not paused from this console: nothing to resume")
                    return redirect(self.page_url())
                paused = json.loads(last_pause.change_message)[0]["changed"]["fields"]
                result = pages.invoke_toggle({"action": "resume", "group": group, "state": {"paused": paused}})
                log_action(request, Schedule, group, f"resume {group}", json.dumps(
                    [{"changed": {"name": "schedule group", "object": group, "fields": result.get("resumed") or []}}]))
                messages.success(request, f"Resumed {len(result.get('resumed') or [])} schedule(s) of {group}"
                                          + (f"; gone since: {', '.join(result['missing'])}" if result.get("missing") else ""))
        except ConsoleError as e:
            messages.error(request, str(e))
        return redirect(self.page_url())


@admin.register(Queue)
class QueueAdmin(ConsolePageAdmin):
    title = "Queues"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.render(request, "queues.html", {"queues": pages.queue_depths()})


@admin.register(StateMachine)
class StateMachineAdmin(ConsolePageAdmin):
    title = "State machines"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.render(request, "state_machines.html", {"machines": pages.state_machines()})
