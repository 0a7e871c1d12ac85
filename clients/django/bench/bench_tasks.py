"""The task the job-run benchmark's rows name (get_result rebuilds its Task)."""
try:
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task
def generate_report(report_id):
    return {"report": report_id}
