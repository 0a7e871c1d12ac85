"""OutriggerBackend.enqueue_many / Task.enqueue_many: bulk enqueue with SendMessageBatch (publisher.send_many)."""
import datetime
import json

import pytest
from django.utils import timezone

import tasks_framework as tf

tf.require()

from outrigger_django import BatchNotSent  # noqa: E402
from outrigger_django.models import OutriggerJobRun  # noqa: E402
from testapp import tasks  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


def test_enqueue_many_sends_ten_jobs_a_request_and_records_each_ready(sqs):
    sqs.expect_batch(10)
    sqs.expect_batch(2)
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result.id)

    tf.task_enqueued.connect(receiver)
    try:
        results = tasks.add.enqueue_many([((i,), {"b": i}) for i in range(12)])
    finally:
        tf.task_enqueued.disconnect(receiver)
    assert [len(b["Entries"]) for b in sqs.batches] == [10, 2] and sqs.sent == []
    envelopes = [json.loads(e["MessageBody"]) for b in sqs.batches for e in b["Entries"]]
    assert [r.id for r in results] == [env["id"] for env in envelopes] == seen
    assert [env["payload"]["args"] for env in envelopes] == [[i] for i in range(12)]
    assert [r.status for r in results] == [tf.TaskResultStatus.READY] * 12
    assert OutriggerJobRun.objects.filter(status="ready").count() == 12
    assert tasks.add.get_result(results[11].id).kwargs == {"b": 11}


def test_one_bad_call_refuses_them_all_naming_it_and_nothing_is_written_or_sent(sqs):
    calls = [((1,), {"b": 2})] * 3 + [((datetime.date(2026, 1, 1),), {"b": 2})]
    with pytest.raises(tf.InvalidTask, match="call 3: task arguments are not JSON"):
        tasks.add.enqueue_many(calls)
    assert sqs.batches == [] and not OutriggerJobRun.objects.exists()


def test_jobs_sqs_refused_lose_their_rows_and_the_error_says_which(sqs):
    sqs.expect_batch(3, failed={"1": ("InvalidMessageContents", True)})
    with pytest.raises(BatchNotSent) as info:
        tasks.add.enqueue_many([((i,), {"b": 0}) for i in range(3)])
    (failed, code, _), = info.value.failed
    assert code == "InvalidMessageContents"
    assert set(OutriggerJobRun.objects.values_list("job_id", flat=True)) == set(info.value.sent)
    assert not OutriggerJobRun.objects.filter(job_id=failed.job_id).exists()


def test_enqueue_many_beyond_15_minutes_creates_one_schedule_a_job(sqs, scheduler):
    later = tasks.add.using(run_after=timezone.now() + datetime.timedelta(hours=3))
    results = later.enqueue_many([((1,), {"b": 1}), ((2,), {"b": 2})])
    assert sqs.batches == [] and sqs.sent == []
    assert [c["url"].rsplit("/", 1)[1] for c in scheduler] == ["task-" + r.id for r in results]


def test_when_a_schedule_cannot_be_made_the_ones_made_stand_and_the_rest_lose_their_rows(sqs, scheduler, monkeypatch):
    from outrigger_django import deferred

    made = []

    def schedule(job, when, **options):
        if len(made) == 1:
            raise RuntimeError("Scheduler throttled")
        made.append(job.job_id)

    monkeypatch.setattr(deferred, "schedule", schedule)
    later = tasks.add.using(run_after=timezone.now() + datetime.timedelta(hours=3))
    with pytest.raises(BatchNotSent) as info:
        later.enqueue_many([((i,), {"b": i}) for i in range(3)])
    assert info.value.sent == made and len(info.value.not_tried) == 1
    assert list(OutriggerJobRun.objects.values_list("job_id", flat=True)) == made
