"""A Tasks-framework task of the example: Celery's .delay() and .apply_async() work on it as on @outrigger_task."""
try:
    from django.tasks import task  # Django 6.0+
except ImportError:
    from django_tasks import task  # Django 4.2 / 5.2 with the django-tasks backport

from shop.models import TaskRecord


@task(takes_context=True)
def build_report(context, month):
    TaskRecord.objects.create(job_id=context.task_result.id, task="billing.reports.build_report", label=month,
                              attempt=context.attempt)
    return {"month": month}
