"""OutriggerBackend, the Tasks-framework backend, on whichever framework the Django under test has (django.tasks on
6.x, the django_tasks backport on 4.2 / 5.2): enqueue publishes through the package's publish path, the worker's signed
call runs the task, and get_result reads the job-run table."""
import datetime
import json
from functools import partial

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

import tasks_framework as tf

tf.require()

from outrigger_django import publisher  # noqa: E402
from outrigger_django.models import OutriggerJobRun  # noqa: E402
from testapp import tasks  # noqa: E402
from testapp.models import TaskRecord  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

DEFAULT_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-default"
HEAVY_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-heavy"


def envelope(params):
    return json.loads(params["MessageBody"])


def deliver(caller, env, attempt=1, max_attempts=5):
    """The job worker's signed call for an envelope (DjangoTaskHandler's body)."""
    name = env["payload"]["task"]
    body = {"id": env["id"], "task": name, "payload": env["payload"], "attempt": attempt,
            "max_attempts": max_attempts, "meta": {}}
    return caller.post("tasks/" + name, body, job_id=env["id"], attempt=attempt)


# ---------------------------------------------------------------- enqueue


def test_enqueue_publishes_one_django_task_job_and_records_it_ready(sqs):
    sqs.expect()
    result = tasks.add.enqueue(2, b=3)
    assert len(sqs.sent) == 1
    params = sqs.sent[0]
    assert params["QueueUrl"] == DEFAULT_URL and "DelaySeconds" not in params
    env = envelope(params)
    assert (env["type"], env["id"]) == ("django.task", result.id)
    assert env["payload"] == {"task": "testapp.tasks.add", "args": [2], "kwargs": {"b": 3}, "backend": "default",
                              "queue_name": "default"}
    assert result.status == tf.TaskResultStatus.READY and result.attempts == 0
    assert (result.args, result.kwargs, result.backend) == ([2], {"b": 3}, "default")
    stored = tf.default_task_backend.get_result(result.id)
    assert stored.status == tf.TaskResultStatus.READY and stored.enqueued_at is not None
    assert stored.started_at is None and stored.finished_at is None and not stored.is_finished


def test_enqueue_queue_name_picks_the_outrigger_queue(sqs):
    sqs.expect()
    tasks.record.enqueue("x")
    assert sqs.sent[0]["QueueUrl"] == HEAVY_URL


def test_aenqueue_publishes_too(sqs):
    sqs.expect()
    result = async_to_sync(tasks.add.aenqueue)(1, 1)
    assert envelope(sqs.sent[0])["id"] == result.id
    assert async_to_sync(tf.default_task_backend.aget_result)(result.id).status == tf.TaskResultStatus.READY


def test_enqueue_sends_the_task_enqueued_signal(sqs):
    sqs.expect()
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result.id)

    tf.task_enqueued.connect(receiver)
    try:
        result = tasks.add.enqueue(1, 2)
    finally:
        tf.task_enqueued.disconnect(receiver)
    assert seen == [result.id]


def test_enqueue_when_the_send_fails_leaves_no_row(sqs):
    sqs.stub.add_client_error("send_message", "AWS.SimpleQueueService.NonExistentQueue", "no queue")
    with pytest.raises(Exception, match="no queue"):
        tasks.add.enqueue(1, 2)
    assert not OutriggerJobRun.objects.exists()


def test_enqueue_inside_atomic_with_on_commit_sends_only_after_commit(sqs):
    with transaction.atomic():
        transaction.on_commit(partial(tasks.add.enqueue, 1, 2))
        assert sqs.sent == []
        sqs.expect()
    assert len(sqs.sent) == 1
    assert OutriggerJobRun.objects.get().status == "ready"


def test_enqueue_on_commit_of_a_transaction_that_rolls_back_sends_nothing(sqs):
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            transaction.on_commit(partial(tasks.add.enqueue, 1, 2))
            1 / 0
    assert sqs.sent == [] and not OutriggerJobRun.objects.exists()


def test_enqueue_directly_in_a_transaction_that_rolls_back_still_runs_and_has_a_result(sqs, caller):
    """Without on_commit the message goes at once (as Django documents); the READY row goes with the rollback, and
    the worker's call writes the run anew, so get_result finds it."""
    sqs.expect()
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            result = tasks.add.enqueue(4, 5)
            1 / 0
    assert len(sqs.sent) == 1 and not OutriggerJobRun.objects.exists()
    with pytest.raises(tf.TaskResultDoesNotExist):
        tf.default_task_backend.get_result(result.id)
    assert deliver(caller, envelope(sqs.sent[0])).status_code == 200
    after = tf.default_task_backend.get_result(result.id)
    assert (after.status, after.return_value, after.args) == (tf.TaskResultStatus.SUCCESSFUL, 9, [4, 5])


# ---------------------------------------------------------------- bad input: InvalidTask, nothing sent


def _nothing_sent(sqs):
    assert sqs.sent == []
    assert not OutriggerJobRun.objects.exists()
    sqs.stub.assert_no_pending_responses()


@pytest.mark.parametrize("args, kwargs, problem", [
    ([datetime.datetime(2030, 1, 1)], {}, "not JSON"),
    ([object()], {}, "not JSON"),
    ([float("nan")], {}, "not JSON"),
    ([], {"b": {1: "int key"}}, "dict keys must be strings"),
])
def test_enqueue_with_arguments_that_are_not_json_is_refused(sqs, args, kwargs, problem):
    with pytest.raises(tf.InvalidTask, match=problem):
        tasks.add.enqueue(*args, **kwargs)
    _nothing_sent(sqs)


def test_enqueue_on_a_queue_the_backend_does_not_have_is_refused(sqs):
    with pytest.raises(tf.InvalidTask, match="nope"):
        tasks.add.using(queue_name="nope").enqueue(1, 2)
    _nothing_sent(sqs)


def test_enqueue_on_a_queue_without_an_outrigger_url_is_refused(sqs, settings):
    settings.TASKS = {**settings.TASKS, "default": {**settings.TASKS["default"], "QUEUES": ["default", "orphan"]}}
    with pytest.raises(tf.InvalidTask, match=r"'orphan'.*configured queues: default, heavy"):
        tasks.add.using(queue_name="orphan").enqueue(1, 2)
    _nothing_sent(sqs)


def test_enqueue_with_naive_run_after_is_refused(sqs):
    with pytest.raises(tf.InvalidTask, match="aware"):
        tasks.add.using(run_after=datetime.datetime(2030, 1, 1, 12, 0)).enqueue(1, 2)
    _nothing_sent(sqs)


@override_settings(USE_TZ=False)
def test_enqueue_with_naive_run_after_is_refused_even_without_use_tz(sqs):
    with pytest.raises(tf.InvalidTask, match="naive"):
        tasks.add.using(run_after=datetime.datetime(2030, 1, 1, 12, 0)).enqueue(1, 2)
    _nothing_sent(sqs)


@override_settings(USE_TZ=False)
def test_aware_run_after_without_use_tz_is_stored_and_read_back_as_the_same_instant(sqs):
    sqs.expect()
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)
    result = tasks.add.using(run_after=when).enqueue(1, 2)
    assert 0 < sqs.sent[0]["DelaySeconds"] <= 300
    assert tf.default_task_backend.get_result(result.id).task.run_after == when


def test_a_task_that_is_not_module_level_is_refused(sqs):
    with pytest.raises(tf.InvalidTask, match="module level"):
        @tf.task
        def inner():
            return 1
    _nothing_sent(sqs)


def test_a_task_stored_under_another_name_is_refused_at_enqueue(sqs):
    with pytest.raises(tf.InvalidTask, match="is not the Task itself"):
        tasks.renamed_task.enqueue()
    _nothing_sent(sqs)


def test_enqueue_of_an_envelope_over_the_queue_size_is_refused(sqs, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAX_MESSAGE_BYTES": 2048}
    with pytest.raises(tf.InvalidTask, match=r"over the 2048-byte limit of queue 'default' \(OUTRIGGER\[\"MAX_MESSAGE_BYTES\"\]\); nothing was sent"):
        tasks.add.enqueue("x" * 3000, "y")
    _nothing_sent(sqs)


def test_priority_is_refused_because_sqs_has_none(sqs):
    with pytest.raises(tf.InvalidTask, match="SQS does not deliver messages in priority order"):
        tasks.add.using(priority=10).enqueue(1, 2)
    _nothing_sent(sqs)


def test_backend_feature_flags():
    backend = tf.default_task_backend
    assert (backend.supports_defer, backend.supports_get_result, backend.supports_priority,
            backend.supports_async_task) == (True, True, False, False)


def test_check_reports_a_tasks_queue_without_an_outrigger_url(settings):
    settings.TASKS = {**settings.TASKS, "default": {**settings.TASKS["default"], "QUEUES": ["default", "orphan"]}}
    ids = [m.id for m in tf.task_backends["default"].check()]
    assert ids == ["outrigger.E004"]


# ---------------------------------------------------------------- defer


def test_run_after_within_15_minutes_uses_sqs_delay_seconds(sqs):
    sqs.expect()
    result = tasks.add.using(run_after=timezone.now() + datetime.timedelta(seconds=899, microseconds=500_000)).enqueue(1, 2)
    assert sqs.sent[0]["DelaySeconds"] == 900
    assert tf.default_task_backend.get_result(result.id).status == tf.TaskResultStatus.READY


def test_run_after_in_the_past_is_sent_now(sqs):
    sqs.expect()
    tasks.add.using(run_after=timezone.now() - datetime.timedelta(hours=1)).enqueue(1, 2)
    assert "DelaySeconds" not in sqs.sent[0]


def test_run_after_beyond_15_minutes_becomes_a_one_time_schedule_that_deletes_itself(sqs, scheduler):
    when = datetime.datetime(2031, 5, 6, 7, 8, 9, 250_000, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    result = tasks.record.using(run_after=when).enqueue("later")
    assert sqs.sent == []  # the schedule sends it, at its time
    assert len(scheduler) == 1
    call = scheduler[0]
    assert call["method"] == "POST" and call["url"].endswith("/schedules/task-" + result.id)
    body = call["body"]
    assert body["GroupName"] == "outrigger-test-deferred"
    assert body["ScheduleExpression"] == "at(2031-05-06T05:08:10)"  # UTC, rounded up to the second
    assert body["ScheduleExpressionTimezone"] == "UTC"
    assert body["ActionAfterCompletion"] == "DELETE"
    assert body["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = body["Target"]
    assert target["Arn"] == "arn:aws:sqs:eu-west-1:123456789012:outrigger-jobs-heavy"
    assert target["RoleArn"] == "arn:aws:iam::123456789012:role/outrigger-test-deferred-scheduler"
    env = json.loads(target["Input"])
    assert (env["type"], env["id"], env["payload"]["task"]) == ("django.task", result.id, "testapp.tasks.record")
    stored = tf.default_task_backend.get_result(result.id)
    assert stored.status == tf.TaskResultStatus.READY and stored.attempts == 0 and stored.started_at is None
    assert stored.task.run_after == when


def test_run_after_beyond_15_minutes_without_a_schedule_group_is_refused(sqs, scheduler, settings):
    settings.TASKS = {**settings.TASKS, "default": {"BACKEND": "outrigger_django.tasks.OutriggerBackend",
                                                    "QUEUES": ["default"]}}
    with pytest.raises(tf.InvalidTask, match="SCHEDULE_GROUP and SCHEDULER_ROLE_ARN"):
        tasks.add.using(run_after=timezone.now() + datetime.timedelta(hours=2)).enqueue(1, 2)
    assert scheduler == []
    _nothing_sent(sqs)


# ---------------------------------------------------------------- the worker's call and get_result


def test_signed_call_runs_the_task_and_get_result_shows_its_return_value(sqs, caller):
    sqs.expect()
    result = tasks.record.enqueue("first")
    response = deliver(caller, envelope(sqs.sent[0]))
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert TaskRecord.objects.get().job_id == result.id
    done = tasks.record.get_result(result.id)
    assert done.status == tf.TaskResultStatus.SUCCESSFUL
    assert done.return_value == {"label": "first"} and done.attempts == 1 and done.errors == []
    assert done.enqueued_at <= done.started_at <= done.finished_at
    assert done.last_attempted_at == done.started_at
    # the result the enqueue returned catches up with refresh()
    assert result.status == tf.TaskResultStatus.READY
    result.refresh()
    assert result.status == tf.TaskResultStatus.SUCCESSFUL and result.return_value == {"label": "first"}
    # a second delivery of the same message is already done and does not run again
    assert deliver(caller, envelope(sqs.sent[0]), attempt=2).json()["status"] == "already_done"
    assert TaskRecord.objects.count() == 1


def test_takes_context_gets_the_real_delivery_attempt(sqs, caller):
    sqs.expect()
    result = tasks.attempt_seen.enqueue()
    assert deliver(caller, envelope(sqs.sent[0]), attempt=3, max_attempts=5).status_code == 200
    done = tf.default_task_backend.get_result(result.id)
    assert done.return_value == {"attempt": 3, "id": result.id}
    assert done.attempts == 3


def test_a_failed_try_that_will_be_retried_is_ready_and_the_last_one_is_failed(sqs, caller):
    sqs.expect()
    result = tasks.flaky.enqueue("f")
    env = envelope(sqs.sent[0])
    first = deliver(caller, env, attempt=1, max_attempts=2)
    assert first.status_code == 500
    assert not TaskRecord.objects.exists()  # the failed try's writes were rolled back
    retrying = tf.default_task_backend.get_result(result.id)
    assert retrying.status == tf.TaskResultStatus.READY and retrying.finished_at is None
    assert [e.exception_class_path for e in retrying.errors] == ["builtins.RuntimeError"]
    assert retrying.errors[0].exception_class is RuntimeError
    assert "RuntimeError: boom f" in retrying.errors[0].traceback and "in flaky" in retrying.errors[0].traceback

    assert deliver(caller, env, attempt=2, max_attempts=2).status_code == 500
    failed = tf.default_task_backend.get_result(result.id)
    assert failed.status == tf.TaskResultStatus.FAILED and failed.is_finished and failed.attempts == 2
    assert len(failed.errors) == 2 and failed.finished_at is not None
    with pytest.raises(ValueError):
        failed.return_value
    assert OutriggerJobRun.objects.get(job_id=result.id).last_error == "RuntimeError"


def test_permanent_error_is_failed_at_once(sqs, caller):
    sqs.expect()
    result = tasks.fail_permanently.enqueue("no such report")
    response = deliver(caller, envelope(sqs.sent[0]), attempt=1, max_attempts=5)
    assert response.status_code == 422 and response.json()["message"] == "no such report"
    failed = tf.default_task_backend.get_result(result.id)
    assert failed.status == tf.TaskResultStatus.FAILED
    assert failed.errors[0].exception_class_path == "outrigger_django.exceptions.PermanentError"


def test_a_return_value_that_is_not_json_fails_the_run_for_good(sqs, caller):
    sqs.expect()
    result = tasks.returns_a_set.enqueue()
    response = deliver(caller, envelope(sqs.sent[0]), attempt=1, max_attempts=5)
    assert response.status_code == 422 and "not JSON" in response.json()["message"]
    failed = tf.default_task_backend.get_result(result.id)
    assert failed.status == tf.TaskResultStatus.FAILED
    assert failed.errors[0].exception_class_path == "builtins.TypeError"


def test_started_and_finished_signals_carry_the_result(sqs, caller):
    sqs.expect()
    result = tasks.add.enqueue(1, 2)
    seen = []

    def started(sender, task_result, **kwargs):
        seen.append(("started", task_result.status))

    def finished(sender, task_result, **kwargs):
        seen.append(("finished", task_result.status))

    tf.task_started.connect(started)
    tf.task_finished.connect(finished)
    try:
        deliver(caller, envelope(sqs.sent[0]))
    finally:
        tf.task_started.disconnect(started)
        tf.task_finished.disconnect(finished)
    assert seen == [("started", tf.TaskResultStatus.RUNNING), ("finished", tf.TaskResultStatus.SUCCESSFUL)]
    assert tf.default_task_backend.get_result(result.id).return_value == 3


def test_get_result_of_an_unknown_id_or_of_a_non_framework_run_does_not_exist(caller):
    with pytest.raises(tf.TaskResultDoesNotExist):
        tf.default_task_backend.get_result("no-such-id")
    assert caller.task("reports.generate", "job-outrigger-task").status_code == 200
    with pytest.raises(tf.TaskResultDoesNotExist):
        tf.default_task_backend.get_result("job-outrigger-task")


# ---------------------------------------------------------------- only real Outrigger tasks run


@pytest.mark.parametrize("name, backend", [
    ("testapp.tasks.plain_function", "default"),       # importable, but not a Task
    ("testapp.tasks.on_another_backend", "immediate"),  # a Task, but not of an OutriggerBackend
    ("testapp.tasks.add", "immediate"),                 # a Task whose call claims another backend
    ("testapp.tasks.add", "nope"),                      # a backend that does not exist
    ("os.system", "default"),                           # not in an installed app: not even imported
    ("testapp.tasks.missing", "default"),
])
def test_signed_call_runs_only_tasks_of_an_outrigger_backend(caller, name, backend):
    body = {"id": "job-refused", "task": name, "attempt": 1,
            "payload": {"task": name, "args": [], "kwargs": {}, "backend": backend, "queue_name": "default"}}
    response = caller.post("tasks/" + name, body, job_id="job-refused")
    assert response.status_code == 404 and response.json()["error"] == "unknown_task"
    assert not TaskRecord.objects.exists() and not OutriggerJobRun.objects.exists()
