"""publish() over the wire to a real SQS API: moto's server on 127.0.0.1, as a separate process (on the host,
/usr/bin/python3 has no moto, so it is the one on the PATH, e.g. a pyenv Python's; the Debian sid root has
python3-moto). Skipped when moto_server is not found (set OUTRIGGER_MOTO_SERVER to its path to point at one)."""
import json
import os
import shutil
import time

import boto3
import pytest
from django.db import transaction

from outrigger_django import MessageTooLarge, QueueNotFound, publish, publish_many, publish_on_commit, publisher
from outrigger_django.envelope import HandValidator, validate_envelope

from local_server import free_port, serving

MOTO = os.environ.get("OUTRIGGER_MOTO_SERVER") or shutil.which("moto_server")

pytestmark = pytest.mark.skipif(not MOTO, reason="moto_server not found on the PATH (set OUTRIGGER_MOTO_SERVER)")


@pytest.fixture(scope="module")
def moto_endpoint():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving([MOTO, "-H", "127.0.0.1", "-p", str(port)], url + "/moto-api/", "moto_server"):
        yield url

@pytest.fixture
def queues(moto_endpoint, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    sqs = boto3.client("sqs", region_name="eu-west-1", endpoint_url=moto_endpoint)
    suffix = str(time.monotonic_ns())
    default = sqs.create_queue(QueueName="jobs-default-" + suffix)["QueueUrl"]
    heavy = sqs.create_queue(QueueName="jobs-heavy-" + suffix)["QueueUrl"]
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ENDPOINT_URL": moto_endpoint, "REGION": "eu-west-1",
                          "QUEUES": {"default": default, "heavy": heavy}}
    publisher.reset_clients()
    return sqs, default, heavy


def _receive(sqs, url, wait=1):
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_publish_overTheWire_envelopeArrivesValid(queues):
    sqs, default, heavy = queues
    job_id = publish("django.task", {"task": "reports.generate", "args": [1], "kwargs": {}},
                     meta={"request_id": "req-1"}, max_attempts=3)
    (env,) = _receive(sqs, default)
    assert env["id"] == job_id and env["meta"] == {"request_id": "req-1"} and env["max_attempts"] == 3
    assert validate_envelope(env) == [] and HandValidator().validate(env) == []
    assert _receive(sqs, heavy, wait=0) == []


def test_publish_overTheWire_delayHonoured(queues):
    sqs, _, heavy = queues
    job_id = publish("django.task", {"task": "reports.generate"}, queue="heavy", delay_seconds=2)
    assert _receive(sqs, heavy, wait=0) == []  # not visible yet
    deadline = time.monotonic() + 10
    got = []
    while not got and time.monotonic() < deadline:
        got = _receive(sqs, heavy, wait=1)
    assert [e["id"] for e in got] == [job_id]


def test_publish_overTheWire_tooLarge_nothingSent(queues):
    sqs, default, _ = queues
    with pytest.raises(MessageTooLarge):
        publish("django.task", {"pad": "x" * 262144})
    assert _receive(sqs, default, wait=0) == []


def test_publish_overTheWire_readsEachQueuesOwnMaximumMessageSize(queues, settings):
    sqs, default, _ = queues
    small = sqs.create_queue(QueueName="jobs-small-" + str(time.monotonic_ns()),
                             Attributes={"MaximumMessageSize": "2048"})["QueueUrl"]
    big = sqs.create_queue(QueueName="jobs-big-" + str(time.monotonic_ns()),
                           Attributes={"MaximumMessageSize": "1048576"})["QueueUrl"]
    settings.OUTRIGGER = {**{k: v for k, v in settings.OUTRIGGER.items() if k != "MAX_MESSAGE_BYTES"},
                          "QUEUES": {"default": default, "small": small, "big": big}}
    publisher.reset_clients()
    with pytest.raises(MessageTooLarge) as info:
        publish("django.task", {"pad": "x" * 2048}, queue="small")
    assert info.value.limit == 2048 and info.value.queue == "small"
    assert "over the 2048-byte limit of queue 'small' (its MaximumMessageSize)" in str(info.value)
    assert _receive(sqs, small, wait=0) == []
    job_id = publish("django.task", {"pad": "x" * 600_000}, queue="big")   # over the old fixed 256 KiB cap
    assert [e["id"] for e in _receive(sqs, big)] == [job_id]


@pytest.mark.django_db(transaction=True)
def test_publishOnCommit_overTheWire(queues):
    sqs, default, _ = queues
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            publish_on_commit("django.task", {"task": "rolled.back"})
            raise RuntimeError("rollback")
    with transaction.atomic():
        job_id = publish_on_commit("django.task", {"task": "committed"})
    assert [e["id"] for e in _receive(sqs, default)] == [job_id]


def test_publish_overTheWire_toAQueueThatDoesNotExist_namesTheUrlAndTheQueuesThere(queues, settings):
    sqs, default, heavy = queues
    # the mistake a new project makes: a queue name that is not the one the stack creates
    wrong = default.rsplit("/", 1)[0] + "/outrigger-jobs-default"
    settings.OUTRIGGER = {**settings.OUTRIGGER, "QUEUES": {"default": wrong}}
    with pytest.raises(QueueNotFound) as info:
        publish("django.task", {"task": "reports.generate"})
    message = str(info.value)
    assert wrong in message and default in message and heavy in message
    assert _receive(sqs, default, wait=0) == []


def _receive_all(sqs, url, expected):
    got, deadline = [], time.monotonic() + 10
    while len(got) < expected and time.monotonic() < deadline:
        # AttributeNames, not MessageSystemAttributeNames: bookworm's botocore (Django 4.2) predates the new name
        got += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   AttributeNames=["All"]).get("Messages", [])
    return got


def test_publishMany_overTheWire_sendsEveryJobInBatches(queues):
    sqs, default, _ = queues
    job_ids = publish_many([{"type": "django.task", "payload": {"task": "reports.generate", "args": [i]}}
                            for i in range(25)])
    got = _receive_all(sqs, default, 25)
    assert sorted(json.loads(m["Body"])["id"] for m in got) == sorted(job_ids)
    assert all(validate_envelope(json.loads(m["Body"])) == [] for m in got)


def test_fifoQueue_overTheWire_groupAndJobIdAsDeduplicationId(queues, settings):
    sqs, _, _ = queues
    fifo = sqs.create_queue(QueueName=f"jobs-orders-{time.monotonic_ns()}.fifo",
                            Attributes={"FifoQueue": "true"})["QueueUrl"]
    settings.OUTRIGGER = {**settings.OUTRIGGER, "QUEUES": {**settings.OUTRIGGER["QUEUES"], "orders": fifo}}
    with pytest.raises(ValueError, match="FIFO queue: give group="):
        publish("django.task", {"task": "orders.confirm"}, queue="orders")
    first = publish("django.task", {"task": "orders.confirm", "args": [1]}, queue="orders", group="tenant-42")
    publish("django.task", {"task": "orders.confirm", "args": [1]}, queue="orders", group="tenant-42", job_id=first)
    rest = publish_many([{"type": "django.task", "payload": {"task": "orders.confirm", "args": [i]}, "queue": "orders",
                          "group": "tenant-42"} for i in (2, 3)])
    got = _receive_all(sqs, fifo, 3)
    # the repeat of the first job id was deduplicated by SQS; the group keeps the order
    assert [json.loads(m["Body"])["id"] for m in got] == [first] + rest
    assert {m["Attributes"]["MessageGroupId"] for m in got} == {"tenant-42"}


def test_groupOnAStandardQueue_overTheWire_isAFairQueueTenant(queues):
    sqs, default, _ = queues
    job_id = publish("django.task", {"task": "reports.generate"}, group="tenant-7")
    (message,) = _receive_all(sqs, default, 1)
    assert json.loads(message["Body"])["id"] == job_id
    assert message["Attributes"].get("MessageGroupId") == "tenant-7"
