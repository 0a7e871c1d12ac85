"""Celery's call sites (.delay, .apply_async) on @outrigger_task and Tasks-framework tasks, and Celery's retry options
applied by the signed task endpoint (calls.RetryPolicy). End to end with the Java worker: DjangoEndToEndIT."""
import datetime
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from outrigger_django import outrigger_task, publish_task, registry
from outrigger_django.calls import JobHandle
from outrigger_django.models import OutriggerJobRun
from testapp.models import TaskRecord
from testapp.outrigger_tasks import CELERY, AccountClosed, TemporarilyDown, fixed_delay, send_receipt

DEFAULT_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-default"
HEAVY_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-heavy"
RECEIPT = "testapp.outrigger_tasks.send_receipt"


def envelope(params):
    return json.loads(params["MessageBody"])


# ------------------------------------------------------------------ @outrigger_task call sites

def test_a_task_without_a_name_is_registered_under_celerys_default_name():
    assert registry.get_task(RECEIPT) is send_receipt
    assert registry.get_task("testapp.outrigger_tasks.bare")() == "bare"
    assert send_receipt.name == RECEIPT and send_receipt.__name__ == "send_receipt"


@pytest.mark.django_db
def test_calling_the_task_still_runs_it_here_and_now(monkeypatch):
    monkeypatch.setattr("outrigger_django.views.current_job", None, raising=False)
    from outrigger_django import context

    token = context._current.set(context.JobContext("task", RECEIPT, "direct", 1, {}, None))
    try:
        send_receipt(5)
    finally:
        context._current.reset(token)
    assert TaskRecord.objects.get().label == "5:False"


def test_delay_publishes_one_django_task_job_with_the_retry_limit(sqs):
    sqs.expect()
    handle = send_receipt.delay(42, copy=True)
    env = envelope(sqs.sent[0])
    assert isinstance(handle, JobHandle) and handle.id == env["id"] == handle.task_id == str(handle)
    assert env["payload"] == {"task": RECEIPT, "args": [42], "kwargs": {"copy": True}}
    assert env["max_attempts"] == 4   # max_retries=3: the first try and 3 retries
    assert sqs.sent[0]["QueueUrl"] == DEFAULT_URL and "DelaySeconds" not in sqs.sent[0]


def test_apply_async_takes_celerys_arguments(sqs):
    sqs.expect(3)
    fixed_delay.apply_async()
    send_receipt.apply_async((7,), {"copy": False}, countdown=30, queue="heavy", task_id="receipt-7")
    send_receipt.apply_async(args=[8], eta=timezone.now() + datetime.timedelta(minutes=10))
    first, second, third = sqs.sent
    # the task's own queue and time_limit (the envelope's timeout_s)
    assert first["QueueUrl"] == HEAVY_URL and envelope(first)["timeout_s"] == 120
    assert "max_attempts" in envelope(first)   # autoretry_for given: Celery's default max_retries=3
    assert (second["QueueUrl"], second["DelaySeconds"], envelope(second)["id"]) == (HEAVY_URL, 30, "receipt-7")
    assert envelope(second)["payload"]["args"] == [7]
    assert 599 <= third["DelaySeconds"] <= 600


def test_a_countdown_beyond_15_minutes_is_deferred_with_a_one_time_schedule(sqs, scheduler):
    handle = send_receipt.apply_async((9,), countdown=7200, task_id="receipt-9")
    assert sqs.sent == []
    (call,) = scheduler
    assert call["url"].endswith("/schedules/task-receipt-9")
    assert call["body"]["GroupName"] == "outrigger-test-deferred"
    assert json.loads(call["body"]["Target"]["Input"])["payload"] == {"task": RECEIPT, "args": [9], "kwargs": {}}
    assert handle.id == "receipt-9"


@pytest.mark.parametrize("call,problem", [
    (lambda: send_receipt.apply_async((1,), priority=9), "priority= (SQS delivers a queue's messages in no priority"),
    (lambda: send_receipt.apply_async((1,), expires=60, link=None), "expires= (SQS has no message expiry"),
    (lambda: send_receipt.apply_async((1,), colour="red"), "colour= (not a Celery calling option"),
    (lambda: send_receipt.apply_async((1,), countdown=5, eta=timezone.now()), "give countdown or eta, not both"),
    (lambda: send_receipt.apply_async((1,), eta=datetime.datetime(2030, 1, 1)), "is naive"),
    (lambda: send_receipt.apply_async(1), "args must be a list or tuple"),
    (lambda: send_receipt.apply_async((1,), countdown="soon"), "countdown must be a number"),
])
def test_what_outrigger_cannot_honour_is_refused_and_nothing_is_sent(sqs, call, problem):
    with pytest.raises((TypeError, ValueError), match=problem.replace("(", r"\(").replace(")", r"\)")):
        call()
    assert sqs.sent == []


def test_the_decorator_refuses_celery_options_it_cannot_honour_with_the_reason():
    with pytest.raises(ImproperlyConfigured, match=r"bind= \(there is no task instance: current_job\(\)"):
        outrigger_task("tests.bound", bind=True)(lambda self: None)
    with pytest.raises(ImproperlyConfigured, match="rate_limit="):
        outrigger_task("tests.limited_rate", rate_limit="10/m")(lambda: None)
    with pytest.raises(ImproperlyConfigured, match="must be exception classes"):
        outrigger_task("tests.bad_retry", autoretry_for=("ConnectionError",))(lambda: None)
    assert registry.get_task("tests.bound") is None


def test_publish_task_of_a_registered_task_takes_its_queue_time_limit_and_retry_limit(sqs):
    sqs.expect(2)
    publish_task("tests.celery_fixed_delay")
    publish_task(RECEIPT, [1], queue="default", max_attempts=2)
    first, second = sqs.sent
    assert first["QueueUrl"] == HEAVY_URL and envelope(first)["timeout_s"] == 120
    assert second["QueueUrl"] == DEFAULT_URL and envelope(second)["max_attempts"] == 2


# ------------------------------------------------------------------ Celery's retry options, where the task runs

def call_receipt(caller, attempt, job_id="celery-1"):
    return caller.task(RECEIPT, job_id, args=[1], attempt=attempt)


@pytest.mark.django_db(transaction=True)
def test_an_autoretried_exception_is_retried_after_celerys_countdown_until_max_retries(caller):
    CELERY["raise"] = [TemporarilyDown("smtp down") for _ in range(4)]
    answers = [call_receipt(caller, attempt) for attempt in (1, 2, 3, 4)]
    # retry_backoff=2, retry_backoff_max=7, no jitter: 2 * 2^retries capped at 7
    assert [(r.status_code, r.get("Retry-After")) for r in answers[:3]] == [(500, "2"), (500, "4"), (500, "7")]
    assert answers[3].status_code == 422
    assert answers[3].json()["message"] == ("TemporarilyDown on try 4: max_retries=3 exhausted (see the Django logs)")
    run = OutriggerJobRun.objects.get(job_id="celery-1")
    assert run.status == "failed" and run.finished_at is not None and len(run.errors) == 4


@pytest.mark.django_db(transaction=True)
def test_an_autoretried_exception_then_success_runs_once(caller):
    CELERY["raise"] = [TemporarilyDown("smtp down")]
    assert call_receipt(caller, 1).status_code == 500
    assert OutriggerJobRun.objects.get(job_id="celery-1").status == "ready"
    assert call_receipt(caller, 2).status_code == 200
    assert TaskRecord.objects.filter(task="send_receipt").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error,message", [
    (ValueError("bad order"), "ValueError is not in autoretry_for: not retried (as in Celery)"),
    (AccountClosed("account 9"), "AccountClosed is in dont_autoretry_for: not retried"),
])
def test_an_exception_celery_would_not_retry_fails_the_job_for_good(caller, error, message):
    CELERY["raise"] = [error]
    response = call_receipt(caller, 1)
    assert response.status_code == 422 and response.json()["message"] == message + " (see the Django logs)"
    assert OutriggerJobRun.objects.get(job_id="celery-1").status == "failed"


@pytest.mark.django_db(transaction=True)
def test_without_retry_backoff_the_retry_waits_default_retry_delay(caller):
    CELERY["raise"] = [KeyError("k")]
    response = caller.task("tests.celery_fixed_delay", "fixed-1")
    assert (response.status_code, response["Retry-After"]) == (500, "30")


@pytest.mark.django_db(transaction=True)
def test_retry_jitter_waits_at_most_the_countdown(caller):
    waits = []
    for attempt in range(1, 4):   # Celery's default max_retries=3
        CELERY["raise"] = [TimeoutError("slow")]
        waits.append(int(caller.task("tests.celery_jitter", f"jitter-{attempt}", attempt=attempt)["Retry-After"]))
    # retry_backoff=True: factor 1, so try n waits a random 0..2^(n-1) seconds
    assert all(0 <= wait <= 2 ** n for n, wait in enumerate(waits))


@pytest.mark.django_db(transaction=True)
def test_max_retries_alone_limits_outriggers_own_retries(caller):
    CELERY["raise"] = [RuntimeError("one"), RuntimeError("two")]
    first = caller.task("tests.outrigger_rule_limited", "lim-1", attempt=1)
    assert first.status_code == 500 and "Retry-After" not in first   # the worker's own backoff
    second = caller.task("tests.outrigger_rule_limited", "lim-1", attempt=2)
    assert second.status_code == 422 and "max_retries=1 exhausted" in second.json()["message"]


# ------------------------------------------------------------------ Tasks-framework tasks

@pytest.mark.django_db
def test_framework_tasks_take_delay_and_apply_async(sqs, tasks_framework):
    from testapp import tasks

    sqs.expect(2)
    first = tasks.add.delay(2, b=3)
    second = tasks.record.apply_async(("x",), countdown=45, task_id="framework-1", queue="default", group="tenant-5")
    assert envelope(sqs.sent[0])["id"] == first.id and envelope(sqs.sent[0])["payload"]["args"] == [2]
    assert (second.id, sqs.sent[1]["DelaySeconds"], sqs.sent[1]["QueueUrl"]) == ("framework-1", 45, DEFAULT_URL)
    assert sqs.sent[1]["MessageGroupId"] == "tenant-5"
    assert tasks.record.get_result("framework-1").status == tasks_framework.TaskResultStatus.READY


@pytest.mark.django_db
def test_framework_apply_async_beyond_15_minutes_is_deferred(sqs, scheduler, tasks_framework):
    from testapp import tasks

    result = tasks.add.apply_async((1, 2), eta=timezone.now() + datetime.timedelta(days=2))
    assert sqs.sent == [] and scheduler[0]["url"].endswith("/schedules/task-" + result.id)


@pytest.mark.django_db
def test_framework_apply_async_refuses_what_it_cannot_honour(sqs, tasks_framework):
    from testapp import tasks

    with pytest.raises(TypeError, match="retry_policy="):
        tasks.add.apply_async((1, 2), retry_policy={"max_retries": 3})
    assert sqs.sent == [] and not OutriggerJobRun.objects.exists()


def test_the_readmes_call_site_snippet_runs_as_written(sqs, scheduler):
    import re
    import sys
    import types
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme[readme.index("### Call sites: `.delay()` and `.apply_async()`"):]
    (snippet,) = re.findall(r"```python\n(# reports/outrigger_tasks.py\n.*?)```", section, re.S)[:1]
    module = types.ModuleType("readme_snippet_tasks")
    sys.modules[module.__name__] = module
    try:
        exec(compile(snippet, "README.md", "exec"), module.__dict__)
        sqs.expect()
        module.receipt_now_and_a_copy_in_an_hour(42)
    finally:
        del sys.modules[module.__name__]
    assert registry.get_task("readme_snippet_tasks.send_receipt") is module.send_receipt
    assert envelope(sqs.sent[0])["payload"] == {"task": "readme_snippet_tasks.send_receipt", "args": [42], "kwargs": {}}
    assert scheduler[0]["url"].endswith("/schedules/task-receipt-copy-42")
