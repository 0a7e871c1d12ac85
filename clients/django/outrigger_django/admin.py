"""The job-run table in the Django admin: what ran, what is waiting, what failed and why. Read-only: every row is
written by the signed task and hook calls (and by enqueue), and editing one would change what "ran once" means."""
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .models import OutriggerJobRun


@admin.register(OutriggerJobRun)
class OutriggerJobRunAdmin(admin.ModelAdmin):
    list_display = ("job_id", "name", "kind", "status", "attempts", "last_error", "enqueued_at", "last_attempted_at",
                    "finished_at")
    list_filter = ("status", "kind", "name", ("enqueued_at", admin.DateFieldListFilter),
                   ("finished_at", admin.DateFieldListFilter))
    # exact match: the job id's unique index answers it at any table size
    search_fields = ("=job_id",)
    search_help_text = "exact job id (a task result id, an envelope id, or hook:<name>:<time>)"
    ordering = ("-id",)
    # no COUNT(*) of the whole table on every page: it grows to millions of rows between prunes
    show_full_result_count = False
    list_per_page = 50
    fields = ("job_id", "kind", "name", "status", "attempts", "last_error", "error_tracebacks", "enqueued_at",
              "run_after", "started_at", "last_attempted_at", "finished_at", "backend", "queue_name", "args",
              "kwargs", "return_value", "claim_token")
    readonly_fields = fields

    @admin.display(description="errors")
    def error_tracebacks(self, run):
        if not run.errors:
            return "-"
        return format_html_join("", "<p><b>{}</b></p><pre>{}</pre>",
                                ((e.get("exception_class_path", "?"), e.get("traceback", "")) for e in run.errors))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
