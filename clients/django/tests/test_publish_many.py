"""publish_many (SendMessageBatch), groups for FIFO and fair queues, and `outrigger_publish --many`, through
botocore's Stubber: no network. Over the wire: test_publish_sqs_server.py."""
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from outrigger_django import BatchNotSent, InvalidBatch, publish, publish_many, publisher
from outrigger_django.envelope import validate_envelope

DEFAULT_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-default"
FIFO_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-orders.fifo"


@pytest.fixture
def fifo(settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "QUEUES": {**settings.OUTRIGGER["QUEUES"], "orders": FIFO_URL},
                          "MAX_MESSAGE_BYTES": {**settings.OUTRIGGER["MAX_MESSAGE_BYTES"], "orders": 262144}}


def jobs(n, **extra):
    return [{"type": "django.task", "payload": {"task": "reports.generate", "args": [i], "kwargs": {}},
             "job_id": f"job-{i}", **extra} for i in range(n)]


def bodies(batch):
    return [json.loads(e["MessageBody"]) for e in batch["Entries"]]


def test_publish_many_sends_ten_entries_a_request_and_returns_the_ids_in_order(sqs):
    for n in (10, 10, 3):
        sqs.expect_batch(n)
    assert publish_many(jobs(23)) == [f"job-{i}" for i in range(23)]
    assert [len(b["Entries"]) for b in sqs.batches] == [10, 10, 3]
    assert all(b["QueueUrl"] == DEFAULT_URL for b in sqs.batches)
    assert [e["Id"] for e in sqs.batches[1]["Entries"]] == [str(i) for i in range(10)]
    envelopes = [env for b in sqs.batches for env in bodies(b)]
    assert [env["payload"]["args"] for env in envelopes] == [[i] for i in range(23)]
    assert all(validate_envelope(env) == [] for env in envelopes)
    assert sqs.sent == []   # no SendMessage at all
    sqs.stub.assert_no_pending_responses()


def test_a_batch_stays_within_the_queues_size_limit(sqs, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAX_MESSAGE_BYTES": 4096}
    entries = [{"type": "webhook", "payload": {"url": "https://example.com/x", "pad": "x" * 1100}} for _ in range(7)]
    for n in (3, 3, 1):
        sqs.expect_batch(n)
    publish_many(entries)
    sizes = [sum(len(e["MessageBody"].encode()) for e in b["Entries"]) for b in sqs.batches]
    assert [len(b["Entries"]) for b in sqs.batches] == [3, 3, 1]
    assert max(sizes) <= 4096 < sizes[0] + len(sqs.batches[1]["Entries"][0]["MessageBody"])


def test_one_invalid_envelope_sends_none_and_the_error_names_the_entry(sqs):
    entries = jobs(5)
    entries[3]["type"] = "Not A Type"
    entries[4]["max_attempts"] = 0
    with pytest.raises(InvalidBatch) as info:
        publish_many(entries)
    assert [(index, job_id) for index, job_id, _ in info.value.problems] == [(3, "job-3"), (4, "job-4")]
    assert str(info.value).startswith("nothing was sent: entry 3 (job id 'job-3'): invalid job envelope: type:")
    assert "entry 4 (job id 'job-4'): invalid job envelope: max_attempts" in str(info.value)
    assert sqs.batches == []


@pytest.mark.parametrize("entry,problem", [
    ({"payload": {}}, 'needs "type" and "payload"'),
    ({"type": "webhook", "payload": {}, "colour": "red"}, "unknown: colour"),
    ({"type": "webhook", "payload": {}, "queue": "urgent"}, "no URL for queue 'urgent'"),
    ("django.task", "must be a dict of publish() arguments"),
])
def test_entries_that_are_not_publish_arguments_are_refused_by_index(sqs, entry, problem):
    with pytest.raises(InvalidBatch, match=r"entry 1.*" + problem.replace("(", r"\(").replace(")", r"\)")):
        publish_many([jobs(1)[0], entry])
    assert sqs.batches == []


def test_a_repeated_job_id_is_refused(sqs):
    with pytest.raises(InvalidBatch, match=r"entry 2 \(job id 'job-0'\): repeats the job id of entry 0"):
        publish_many(jobs(2) + [jobs(1)[0]])
    assert sqs.batches == []


def test_an_entry_sqs_failed_on_its_side_is_sent_again(sqs, monkeypatch):
    monkeypatch.setattr(publisher.time, "sleep", lambda s: None)
    sqs.expect_batch(3, failed={"1": ("InternalError", False)})
    sqs.expect_batch(1)
    assert publish_many(jobs(3)) == ["job-0", "job-1", "job-2"]
    assert [bodies(b)[0]["id"] for b in sqs.batches] == ["job-0", "job-1"]
    assert len(sqs.batches[1]["Entries"]) == 1


def test_an_entry_sqs_keeps_failing_or_refuses_is_reported_never_dropped(sqs, monkeypatch):
    monkeypatch.setattr(publisher.time, "sleep", lambda s: None)
    sqs.expect_batch(10, failed={"4": ("InvalidMessageContents", True)})
    sqs.expect_batch(2, failed={"0": ("ServiceUnavailable", False)})
    sqs.expect_batch(1, failed={"0": ("ServiceUnavailable", False)})
    sqs.expect_batch(1, failed={"0": ("ServiceUnavailable", False)})
    with pytest.raises(BatchNotSent) as info:
        publish_many(jobs(12))
    e = info.value
    assert [(job.job_id, code) for job, code, _ in e.failed] == [("job-4", "InvalidMessageContents"),
                                                                ("job-10", "ServiceUnavailable")]
    assert sorted(e.sent) == sorted(f"job-{i}" for i in range(12) if i not in (4, 10))
    assert e.not_tried == []
    assert "10 job(s) sent, 2 failed: job-4 (InvalidMessageContents: InvalidMessageContents for entry 4)" in str(e)


def test_a_request_that_fails_stops_and_says_what_was_not_sent(sqs):
    sqs.expect_batch(10)
    sqs.stub.add_client_error("send_message_batch", "AccessDenied", "not allowed")
    with pytest.raises(BatchNotSent) as info:
        publish_many(jobs(25))
    e = info.value
    assert e.sent == [f"job-{i}" for i in range(10)]
    assert [job.job_id for job, _, _ in e.failed] == [f"job-{i}" for i in range(10, 20)]
    assert [job.job_id for job in e.not_tried] == [f"job-{i}" for i in range(20, 25)]


@pytest.mark.django_db(transaction=True)
def test_publish_many_on_commit_sends_after_commit_and_never_on_rollback(sqs):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            publish_many(jobs(2), on_commit=True)
            raise RuntimeError("rollback")
    assert sqs.batches == []
    sqs.expect_batch(2)
    with transaction.atomic():
        assert publish_many(jobs(2), on_commit=True) == ["job-0", "job-1"]
        assert sqs.batches == []
    assert len(sqs.batches) == 1


# ------------------------------------------------------------------ groups: FIFO and fair queues

def test_group_on_a_standard_queue_sets_the_message_group_for_fair_queueing(sqs):
    sqs.expect()
    publish("django.task", {"task": "reports.generate"}, group="tenant-42")
    assert sqs.sent[0]["MessageGroupId"] == "tenant-42"
    assert "MessageDeduplicationId" not in sqs.sent[0]


def test_a_fifo_queue_gets_the_group_and_the_job_id_as_deduplication_id(sqs, fifo):
    sqs.expect()
    job_id = publish("django.task", {"task": "orders.confirm"}, queue="orders", group="tenant-42", job_id="order-7")
    assert (sqs.sent[0]["QueueUrl"], sqs.sent[0]["MessageGroupId"], sqs.sent[0]["MessageDeduplicationId"]) == (
        FIFO_URL, "tenant-42", job_id)


def test_a_fifo_publish_without_a_group_is_refused_before_anything_is_sent(sqs, fifo):
    with pytest.raises(ValueError, match=r"queue 'orders' is a FIFO queue: give group=.*nothing was sent"):
        publish("django.task", {"task": "orders.confirm"}, queue="orders")
    with pytest.raises(InvalidBatch, match=r"entry 1 .*FIFO queue: give group="):
        publish_many([{**jobs(1)[0], "queue": "orders", "group": "t"}, {**jobs(2)[1], "queue": "orders"}])
    assert sqs.sent == [] and sqs.batches == []


def test_a_fifo_queue_takes_no_per_message_delay(sqs, fifo):
    with pytest.raises(ValueError, match="FIFO queues take no per-message delay"):
        publish("django.task", {}, queue="orders", group="g", delay_seconds=5)
    assert sqs.sent == []


@pytest.mark.parametrize("group", ["", "x" * 129, "tenant 42", "tenant\n42", 42])
def test_a_group_that_is_no_message_group_id_is_refused(sqs, group):
    with pytest.raises(ValueError, match="group must be 1-128 letters, digits or punctuation"):
        publish("django.task", {}, group=group)
    assert sqs.sent == []


def test_on_a_fifo_queue_a_failed_entry_is_not_sent_again_and_the_rest_waits(sqs, fifo):
    sqs.expect_batch(10, failed={"3": ("InternalError", False)})
    with pytest.raises(BatchNotSent) as info:
        publish_many(jobs(15, queue="orders", group="tenant-1"))
    e = info.value
    assert [job.job_id for job, _, _ in e.failed] == ["job-3"]
    # the group's later jobs would overtake job-3: the next batch is not sent
    assert [job.job_id for job in e.not_tried] == [f"job-{i}" for i in range(10, 15)]
    assert all(entry["MessageGroupId"] == "tenant-1" and entry["MessageDeduplicationId"] == f"job-{i}"
               for i, entry in enumerate(sqs.batches[0]["Entries"]))


# ------------------------------------------------------------------ outrigger_publish --many

def test_outrigger_publish_many_sends_a_json_lines_file_in_batches(sqs, tmp_path):
    lines = [json.dumps({"task": "reports.generate", "args": [i], "job_id": f"cli-{i}"}) for i in range(12)]
    lines.insert(5, "")
    lines.append(json.dumps({"type": "webhook", "payload": {"url": "https://example.com/h"}, "job_id": "cli-w",
                             "group": "tenant-9"}))
    source = tmp_path / "jobs.jsonl"
    source.write_text("\n".join(lines) + "\n")
    sqs.expect_batch(10)
    sqs.expect_batch(3)
    out = io.StringIO()
    call_command("outrigger_publish", "--many", str(source), stdout=out)
    assert out.getvalue().split() == [f"cli-{i}" for i in range(12)] + ["cli-w"]
    last = sqs.batches[1]["Entries"][-1]
    assert json.loads(last["MessageBody"])["type"] == "webhook" and last["MessageGroupId"] == "tenant-9"
    assert json.loads(sqs.batches[0]["Entries"][0]["MessageBody"])["payload"] == {
        "task": "reports.generate", "args": [0], "kwargs": {}}


def test_outrigger_publish_many_refuses_a_bad_line_or_entry_and_sends_nothing(sqs, tmp_path):
    source = tmp_path / "jobs.jsonl"
    source.write_text('{"task": "a.b"}\n{"task": \n')
    with pytest.raises(CommandError, match=r"jobs.jsonl:2: not valid JSON"):
        call_command("outrigger_publish", "--many", str(source), stdout=io.StringIO())
    source.write_text('{"task": "a.b"}\n{"task": "a.b", "max_attempts": 500}\n')
    with pytest.raises(CommandError, match=r"nothing was sent: .*jobs.jsonl:2: invalid job envelope: max_attempts"):
        call_command("outrigger_publish", "--many", str(source), stdout=io.StringIO())
    assert sqs.batches == []


def test_outrigger_publish_takes_a_group(sqs):
    sqs.expect()
    out = io.StringIO()
    call_command("outrigger_publish", "--task", "reports.generate", "--group", "tenant-3", stdout=out)
    assert sqs.sent[0]["MessageGroupId"] == "tenant-3"
    assert json.loads(sqs.sent[0]["MessageBody"])["id"] == out.getvalue().strip()


def test_the_readmes_publish_many_snippet_runs_as_written(sqs):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    (snippet,) = re.findall(r"```python\n(from outrigger_django import publish_many\n.*?)```", readme, re.S)
    sqs.expect_batch(10)
    sqs.expect_batch(1)
    scope = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    assert len(scope["job_ids"]) == 11
    assert [len(b["Entries"]) for b in sqs.batches] == [10, 1]
