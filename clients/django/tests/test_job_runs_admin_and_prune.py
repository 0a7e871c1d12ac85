"""The job-run table's admin, `manage.py outrigger_prune` and the outrigger_prune hook."""
import io
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from outrigger_django.models import OutriggerJobRun
from outrigger_django.prune import parse_age

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=dt_timezone.utc)


def run(job_id, status="succeeded", finished_days_ago=None, **fields):
    finished = None if finished_days_ago is None else NOW - timedelta(days=finished_days_ago)
    fields = {"name": "reports.generate", "started_at": finished, "last_attempted_at": finished, **fields}
    return OutriggerJobRun.objects.create(job_id=job_id, kind="task", status=status, finished_at=finished, **fields)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("ops", "ops@example.com", "pw-not-secret")
    client.force_login(user)
    return client


def test_admin_lists_runs_by_status_and_task_with_last_error_and_attempts(admin_client):
    run("job-ok", name="shop.tasks.send_receipt")
    run("job-bad", status="failed", name="shop.tasks.send_receipt", attempts=5, last_error="SMTPException",
        finished_days_ago=0)
    run("job-waiting", status="ready", name="shop.tasks.sync", attempts=0)
    page = admin_client.get("/admin/outrigger/outriggerjobrun/", {"status__exact": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "job-bad" in html and "SMTPException" in html and "job-ok" not in html and "job-waiting" not in html
    by_task = admin_client.get("/admin/outrigger/outriggerjobrun/", {"name": "shop.tasks.sync"}).content.decode()
    assert "job-waiting" in by_task and "job-bad" not in by_task


def test_admin_search_finds_a_run_by_its_exact_job_id(admin_client):
    run("job-1234")
    run("job-12345")
    html = admin_client.get("/admin/outrigger/outriggerjobrun/", {"q": "job-1234"}).content.decode()
    assert 'job-1234<' in html.replace("</a>", "<") and "job-12345" not in html


def test_admin_detail_shows_each_error_with_its_traceback_and_cannot_change_it(admin_client):
    failed = run("job-tb", status="failed", finished_days_ago=0, last_error="RuntimeError",
                 errors=[{"exception_class_path": "builtins.RuntimeError",
                          "traceback": "Traceback (most recent call last):\n  ...\nRuntimeError: <boom>"}])
    url = f"/admin/outrigger/outriggerjobrun/{failed.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert "builtins.RuntimeError" in html and "RuntimeError: &lt;boom&gt;" in html  # escaped
    assert 'name="_save"' not in html  # view only
    admin_client.post(url, {"status": "succeeded"})
    assert OutriggerJobRun.objects.get(pk=failed.pk).status == "failed"
    assert admin_client.get("/admin/outrigger/outriggerjobrun/add/").status_code == 403


@pytest.mark.parametrize("text, expected", [
    ("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90)),
    ("3600s", timedelta(seconds=3600)), ("2w", timedelta(weeks=2)),
])
def test_parse_age_reads_a_number_and_a_unit(text, expected):
    assert parse_age(text) == expected


@pytest.mark.parametrize("text", ["30", "d", "-3d", "0d", "1.5d", "30 days", "30y"])
def test_parse_age_refuses_anything_else(text):
    with pytest.raises(ValueError, match="e.g. 30d"):
        parse_age(text)


def _seed():
    run("old-ok", finished_days_ago=31)
    run("old-failed", status="failed", finished_days_ago=45)
    run("young-ok", finished_days_ago=29)
    # never finished: a deferred task waiting for its time, a retry pending, a claim in progress
    run("deferred", status="ready", enqueued_at=NOW - timedelta(days=90), attempts=0)
    run("retrying", status="ready", attempts=2)
    run("running", status="running", last_attempted_at=NOW)


def test_prune_command_deletes_only_runs_that_finished_before_the_age(monkeypatch):
    _seed()
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    out = io.StringIO()
    call_command("outrigger_prune", "--older-than", "30d", "--batch-size", "1", stdout=out)
    assert "deleted 2 job run(s) finished more than 30d ago" in out.getvalue()
    assert sorted(OutriggerJobRun.objects.values_list("job_id", flat=True)) == [
        "deferred", "retrying", "running", "young-ok"]


def test_prune_command_dry_run_counts_and_deletes_nothing(monkeypatch):
    _seed()
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    out = io.StringIO()
    call_command("outrigger_prune", "--older-than", "30d", "--dry-run", stdout=out)
    assert "would delete 2 job run(s)" in out.getvalue()
    assert OutriggerJobRun.objects.count() == 6


def test_prune_command_refuses_a_bad_age():
    with pytest.raises(CommandError, match="--older-than: age '30 days'"):
        call_command("outrigger_prune", "--older-than", "30 days")


def test_prune_command_help_reads_like_django():
    from django.core.management import load_command_class

    help_text = load_command_class("outrigger_django", "outrigger_prune").create_parser(
        "manage.py", "outrigger_prune").format_help()
    assert "usage: manage.py outrigger_prune" in help_text and "--older-than AGE" in help_text
    assert "--dry-run" in help_text and "message retention" in help_text


def test_prune_hook_deletes_from_the_scheduled_time_back_and_honours_its_limit(caller):
    _seed()
    response = caller.hook("outrigger_prune", "hook:outrigger_prune:2030-06-01T12:00:00Z",
                           scheduled_time="2030-06-01T12:00:00Z", args={"older_than": "30d", "limit": 1})
    assert response.status_code == 200, response.content
    left = set(OutriggerJobRun.objects.values_list("job_id", flat=True))
    # the oldest finished run went first; the limit kept the other; the hook's own run is recorded
    assert "old-failed" not in left and "old-ok" in left and "hook:outrigger_prune:2030-06-01T12:00:00Z" in left


def test_prune_hook_with_a_bad_age_fails_for_good_with_the_reason(caller):
    response = caller.hook("outrigger_prune", "hook:outrigger_prune:bad", args={"older_than": "soon"})
    assert response.status_code == 422 and "'soon' is not a positive whole number" in response.json()["message"]
    assert OutriggerJobRun.objects.get(job_id="hook:outrigger_prune:bad").status == "failed"
