"""The operators' console in the admin against a real `outrigger local up` (console_runtime.py): dead letters read
through the real redrive function without consuming them, dry runs that move nothing, a redrive of one reason, the
confirmation before an unfiltered redrive, permissions, CSRF, the admin log, schedules paused and resumed through the
real toggle function, and errors shown on the page."""
import json
import time
from datetime import datetime, timezone

import boto3
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client

from outrigger_django import publisher

import console_runtime
from console_runtime import LocalRuntime, why_not

pytestmark = [pytest.mark.skipif(why_not() is not None, reason=f"no local runtime: {why_not()}"),
              pytest.mark.django_db]

DLQ = "outrigger-dev-jobs-default-dlq"
PAGE = "/admin/outrigger_console/deadletter/"
REDRIVE = PAGE + "redrive/"
SCHEDULES = "/admin/outrigger_console/schedule/"


@pytest.fixture(scope="module")
def runtime():
    rt = LocalRuntime()
    yield rt
    rt.stop()


@pytest.fixture
def console(runtime, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ENDPOINT_URL": runtime.sqs_endpoint, "REGION": "us-east-1",
                          "CONSOLE": {**settings.OUTRIGGER["CONSOLE"], "ENDPOINT_URL": runtime.emulator_endpoint}}
    publisher.reset_clients()
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=runtime.sqs_endpoint)
    for name in (DLQ, "outrigger-dev-jobs-default"):
        drain(sqs, runtime.queue_url(name))
    yield sqs
    publisher.reset_clients()


def drain(sqs, url):
    """Deletes what the queue holds. Not PurgeQueue: SQS may delete messages sent up to a minute after a purge."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if not got and a["ApproximateNumberOfMessages"] == "0" and a["ApproximateNumberOfMessagesNotVisible"] == "0":
            return
        if not got:
            time.sleep(0.2)  # a message still hidden (a scan that has not released it yet, a job being retried)
    raise AssertionError(f"{url} did not drain: {a}")


def dead_letter(sqs, runtime, job_id, job_type, error):
    """A job as the worker parks it: the original envelope, the reason in outrigger-* attributes."""
    payload = {"task": "billing.receipt", "args": [], "kwargs": {"card": "4242"}}
    body = json.dumps({"version": 1, "id": job_id, "type": job_type, "payload": payload,
                       "created_at": "2026-11-21T10:00:00Z"})
    attrs = {"outrigger-error": error, "outrigger-error-message": f"{error} for {job_id}", "outrigger-attempts": "5",
             "outrigger-source-queue": "outrigger-dev-jobs-default", "outrigger-job-id": job_id,
             "outrigger-job-type": job_type, "outrigger-failed-at": datetime.now(timezone.utc).isoformat()}
    sqs.send_message(QueueUrl=runtime.queue_url(DLQ), MessageBody=body,
                     MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()})


def depth(sqs, runtime, name):
    a = sqs.get_queue_attributes(QueueUrl=runtime.queue_url(name), AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])


def user_with(*codenames, name="operator"):
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="outrigger_console",
                                                        codename__in=codenames))
    return user


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def seeded(console, runtime):
    for i in range(3):
        dead_letter(console, runtime, f"hook-{i}", "django.task", "HttpStatus404")
    for i in range(2):
        dead_letter(console, runtime, f"task-{i}", "django.task", "Timeout")
    visible_deadline = time.monotonic() + 10
    while int(console.get_queue_attributes(QueueUrl=runtime.queue_url(DLQ), AttributeNames=[
            "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]) < 5:
        assert time.monotonic() < visible_deadline, "the five dead letters did not become visible"
        time.sleep(0.1)
    return console


def test_dead_letters_page_groups_by_type_and_error_and_consumes_nothing(seeded, runtime):
    client = logged_in(user_with("view_deadletter"))

    page = client.get(PAGE)

    assert page.status_code == 200
    html = page.content.decode()
    assert "HttpStatus404" in html and "Timeout" in html
    groups = {(g["jobType"], g["error"]): g for q in page.context["queues"] for g in q["summary"]["groups"]}
    assert groups[("django.task", "HttpStatus404")]["count"] == 3
    assert groups[("django.task", "Timeout")]["count"] == 2
    assert groups[("django.task", "HttpStatus404")]["sampleJobIds"] == ["hook-0", "hook-1", "hook-2"]
    # a view-only user sees no redrive form
    assert 'name="mode" value="redrive"' not in html
    assert depth(seeded, runtime, DLQ) == 5


def test_dry_run_of_one_reason_reports_what_would_move_and_moves_nothing(seeded, runtime):
    client = logged_in(user_with("view_deadletter", "redrive_deadletter"))

    page = client.post(REDRIVE, {"queue": DLQ, "mode": "dry_run",
                                 "group": json.dumps({"type": "django.task", "error": "HttpStatus404"})})

    assert page.status_code == 200
    report = page.context["reports"][0]["report"]
    assert report["dryRun"] is True and report["matched"] == 3 and len(report["moved"]) == 3, report
    assert depth(seeded, runtime, DLQ) == 5
    assert depth(seeded, runtime, "outrigger-dev-jobs-default") == 0


def test_redrive_without_a_filter_asks_for_confirmation_with_the_count_and_moves_nothing(seeded, runtime):
    client = logged_in(user_with("view_deadletter", "redrive_deadletter"))

    page = client.post(REDRIVE, {"queue": DLQ, "mode": "redrive"})

    assert page.status_code == 200
    assert page.context["count"] == 5
    assert b"Yes, redrive all 5" in page.content
    assert depth(seeded, runtime, DLQ) == 5
    assert not LogEntry.objects.exists()


def test_messages_another_reader_holds_are_named_on_the_page(seeded, runtime):
    # SQS has no peek: what another reader holds (an alarm notification's summary, a second operator's redrive) cannot
    # be read. The page must say so instead of showing a short count as the whole DLQ.
    held = []
    deadline = time.monotonic() + 10
    while len(held) < 2:
        assert time.monotonic() < deadline, "could not receive two of the five dead letters"
        held += seeded.receive_message(QueueUrl=runtime.queue_url(DLQ), MaxNumberOfMessages=2 - len(held),
                                       VisibilityTimeout=60).get("Messages", [])
    client = logged_in(user_with("view_deadletter", "redrive_deadletter"))
    try:
        page = client.get(PAGE)
        confirm = client.post(REDRIVE, {"queue": DLQ, "mode": "redrive"})
    finally:
        for m in held:
            seeded.change_message_visibility(QueueUrl=runtime.queue_url(DLQ), ReceiptHandle=m["ReceiptHandle"],
                                             VisibilityTimeout=0)

    summary = next(q["summary"] for q in page.context["queues"] if q["queue"] == DLQ)
    assert summary["scanned"] == 3 and summary["approximateInFlight"] == 2, summary
    assert b'<b class="in-flight">2</b> message(s) were held by another reader' in page.content
    assert confirm.context["count"] == 3 and b'<b class="in-flight">2</b>' in confirm.content


def test_a_user_without_the_redrive_permission_is_refused_and_nothing_moves(seeded, runtime):
    client = logged_in(user_with("view_deadletter"))

    page = client.post(REDRIVE, {"queue": DLQ, "mode": "redrive",
                                 "group": json.dumps({"type": "django.task", "error": "HttpStatus404"})})

    assert page.status_code == 403
    assert depth(seeded, runtime, DLQ) == 5


def test_a_post_without_the_csrf_token_is_refused(seeded, runtime):
    client = logged_in(user_with("view_deadletter", "redrive_deadletter"), enforce_csrf_checks=True)

    page = client.post(REDRIVE, {"queue": DLQ, "mode": "redrive", "confirm_all": "yes"})

    assert page.status_code == 403
    assert depth(seeded, runtime, DLQ) == 5


def test_message_detail_shows_outrigger_attributes_and_the_payload_only_with_its_permission(seeded, runtime):
    viewer = logged_in(user_with("view_deadletter", name="viewer"))
    reader = logged_in(user_with("view_deadletter", "view_payload_deadletter", name="reader"))

    hidden = viewer.get(PAGE + f"{DLQ}/message/hook-1/").content.decode()
    shown = reader.get(PAGE + f"{DLQ}/message/hook-1/").content.decode()

    assert "outrigger-error" in hidden and "HttpStatus404 for hook-1" in hidden
    assert "4242" not in hidden and "Hidden: seeing payloads needs" in hidden
    assert "4242" in shown


def test_a_dead_letter_queue_that_does_not_exist_shows_a_message_not_a_500(console, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "CONSOLE": {**settings.OUTRIGGER["CONSOLE"],
                                                            "DEAD_LETTER_QUEUES": ["outrigger-dev-nope-dlq", DLQ]}}
    page = logged_in(user_with("view_deadletter")).get(PAGE)

    assert page.status_code == 200
    errors = [q["error"] for q in page.context["queues"] if "error" in q]
    assert len(errors) == 1 and "outrigger-dev-nope-dlq" in errors[0]


def test_an_unreachable_endpoint_shows_a_message_on_every_page_not_a_500(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ENDPOINT_URL": "http://127.0.0.1:9",
                          "CONSOLE": {**settings.OUTRIGGER["CONSOLE"], "ENDPOINT_URL": "http://127.0.0.1:9",
                                      "STATE_MACHINES": {"deploy": "arn:aws:states:us-east-1:000000000000:stateMachine:x"}}}
    publisher.reset_clients()
    admin = User.objects.create_superuser("root", password="pw")
    client = logged_in(admin)
    try:
        for page in ("deadletter", "schedule", "queue", "statemachine"):
            response = client.get(f"/admin/outrigger_console/{page}/")
            assert response.status_code == 200, page
            assert b"outrigger-error" in response.content, page
            assert b"Could not connect" in response.content, page
    finally:
        publisher.reset_clients()


def test_pausing_the_group_through_the_toggle_function_shows_every_schedule_paused_then_resume_restores(console):
    operator = user_with("view_schedule", "pause_schedule", name="ops")
    client = logged_in(operator)
    before = client.get(SCHEDULES)
    group = before.context["groups"][0]
    assert group["group"] == "outrigger-dev" and group["schedules"]
    enabled_before = {s["name"] for s in group["schedules"] if s["state"] == "ENABLED"}

    client.post(SCHEDULES + "toggle/", {"group": "outrigger-dev", "action": "pause"})
    paused = client.get(SCHEDULES).context["groups"][0]
    client.post(SCHEDULES + "toggle/", {"group": "outrigger-dev", "action": "resume"})
    resumed = client.get(SCHEDULES).context["groups"][0]

    assert paused["paused"] and {s["state"] for s in paused["schedules"]} == {"DISABLED"}
    assert {s["name"] for s in resumed["schedules"] if s["state"] == "ENABLED"} == enabled_before
    assert [e.object_repr for e in LogEntry.objects.filter(user=operator).order_by("pk")] == [
        "pause outrigger-dev", "resume outrigger-dev"]


def test_schedules_show_expression_time_zone_and_the_next_three_fire_times(console):
    client = logged_in(user_with("view_schedule"))

    rows = {s["name"]: s for s in client.get(SCHEDULES).context["groups"][0]["schedules"]}

    # the template's schedules, as the Scheduler API returns them (SchedulesEnabled=false creates them DISABLED)
    assert rows["clearsessions"]["expression"] == "cron(0 3 * * ? *)"
    assert rows["clearsessions"]["timezone"] == "UTC"


def test_pausing_needs_its_permission(console):
    client = logged_in(user_with("view_schedule"))

    assert client.post(SCHEDULES + "toggle/", {"group": "outrigger-dev", "action": "pause"}).status_code == 403


def test_state_machines_show_the_latest_executions_and_the_state_a_failed_one_failed_in(console, runtime, settings):
    deploy = "arn:aws:states:us-east-1:000000000000:stateMachine:outrigger-dev-deploy"
    settings.OUTRIGGER = {**settings.OUTRIGGER, "CONSOLE": {**settings.OUTRIGGER["CONSOLE"],
                                                            "STATE_MACHINES": {"deploy": deploy}}}
    sfn = boto3.client("stepfunctions", region_name="us-east-1", endpoint_url=runtime.emulator_endpoint)
    name = f"console-{time.time_ns()}"
    sample = (console_runtime.ROOT / "events/statemachines/deploy-input.json").read_text()
    execution = sfn.start_execution(stateMachineArn=deploy, name=name, input=sample)["executionArn"]
    deadline = time.monotonic() + 30
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)

    page = logged_in(user_with("view_statemachine")).get("/admin/outrigger_console/statemachine/")

    machine = page.context["machines"][0]
    row = next(e for e in machine["executions"] if e["name"] == name)
    # locally the deploy machine's ECS RunTask cannot run: the execution fails in that state, and the page says so
    assert row["status"] == "FAILED"
    assert row["failed_state"] == "RunMigrations" and row["error"] == "States.Runtime"
    assert b"RunMigrations" in page.content


# last of the DLQ tests: the jobs it moves are retried by the real worker and come back to the DLQ in time
def test_redrive_of_one_reason_moves_those_jobs_back_and_names_the_admin_user_in_the_audit(seeded, runtime):
    user = user_with("view_deadletter", "redrive_deadletter", name="ana")
    client = logged_in(user)

    page = client.post(REDRIVE, {"queue": DLQ, "mode": "redrive",
                                 "group": json.dumps({"type": "django.task", "error": "HttpStatus404"})})

    report = page.context["reports"][0]["report"]
    assert sorted(m["jobId"] for m in report["moved"]) == ["hook-0", "hook-1", "hook-2"], report
    assert report["actor"].startswith("ana via lambda:outrigger-dev-dlq-redrive/")
    assert depth(seeded, runtime, DLQ) == 2
    entry = LogEntry.objects.get(user=user)
    assert entry.object_repr == f"redrive {DLQ}" and "moved 3" in entry.change_message
