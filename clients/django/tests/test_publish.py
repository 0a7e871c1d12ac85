import datetime
import decimal
import io
import json
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from outrigger_django import (InvalidEnvelope, MessageTooLarge, QueueLimitUnknown, envelope, publish, publish_on_commit,
                              publish_task, publisher)
from outrigger_django.envelope import HandValidator, validate_envelope

DEFAULT_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-default"
HEAVY_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-heavy"


def body_of(params):
    return json.loads(params["MessageBody"])


def test_publish_sendsValidEnvelopeToDefaultQueue_andReturnsJobId(sqs):
    sqs.expect()
    before = datetime.datetime.now(datetime.timezone.utc)
    job_id = publish("django.task", {"task": "reports.generate", "args": [1], "kwargs": {"x": "y"}})
    assert str(uuid.UUID(job_id)) == job_id
    assert len(sqs.sent) == 1
    params = sqs.sent[0]
    assert params["QueueUrl"] == DEFAULT_URL
    assert "DelaySeconds" not in params
    env = body_of(params)
    assert validate_envelope(env) == [] and HandValidator().validate(env) == []
    assert env["version"] == 1 and env["id"] == job_id and env["type"] == "django.task"
    assert env["payload"] == {"task": "reports.generate", "args": [1], "kwargs": {"x": "y"}}
    assert set(env) == {"version", "id", "type", "payload", "created_at"}
    created = datetime.datetime.fromisoformat(env["created_at"].replace("Z", "+00:00"))
    assert before - datetime.timedelta(seconds=1) <= created <= datetime.datetime.now(datetime.timezone.utc)
    sqs.stub.assert_no_pending_responses()


def test_publish_allOptions(sqs):
    sqs.expect()
    job_id = publish("webhook", {"url": "https://example.com/hook"}, queue="heavy", delay_seconds=30,
                     job_id="order-42:paid", max_attempts=5, meta={"request_id": "abc"}, timeout_s=20)
    assert job_id == "order-42:paid"
    params = sqs.sent[0]
    assert (params["QueueUrl"], params["DelaySeconds"]) == (HEAVY_URL, 30)
    env = body_of(params)
    assert (env["id"], env["max_attempts"], env["timeout_s"], env["meta"]) == ("order-42:paid", 5, 20,
                                                                                {"request_id": "abc"})


def test_publish_encodesDjangoTypes(sqs):
    sqs.expect()
    when = datetime.datetime(2025, 5, 20, 10, 0, tzinfo=datetime.timezone.utc)
    uid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    publish("django.task", {"when": when, "amount": decimal.Decimal("9.99"), "uid": uid})
    assert body_of(sqs.sent[0])["payload"] == {"when": "2025-05-20T10:00:00Z", "amount": "9.99",
                                               "uid": "12345678-1234-5678-1234-567812345678"}


def test_publishTask_buildsDjangoTaskPayload(sqs):
    sqs.expect()
    publish_task("reports.generate", args=[7], kwargs={"fmt": "pdf"}, queue="heavy")
    env = body_of(sqs.sent[0])
    assert env["type"] == "django.task"
    assert env["payload"] == {"task": "reports.generate", "args": [7], "kwargs": {"fmt": "pdf"}}


def test_publish_unknownQueue_failsNamingIt_andSendsNothing(sqs):
    with pytest.raises(ImproperlyConfigured, match=r"queue 'urgent'.*configured queues: default, heavy"):
        publish("django.task", {}, queue="urgent")
    assert sqs.sent == []


@pytest.mark.parametrize("kwargs,field", [
    (dict(type="Django.Task"), "type"),
    (dict(type="django.task\n"), "type"),
    (dict(job_id="has space"), "id"),
    (dict(job_id="trailing-newline\n"), "id"),
    (dict(job_id="x" * 129), "id"),
    (dict(max_attempts=0), "max_attempts"),
    (dict(max_attempts=101), "max_attempts"),
    (dict(timeout_s=901), "timeout_s"),
    (dict(meta={"user_id": 7}), "meta.user_id"),
    (dict(payload=["not", "an", "object"]), "payload"),
    (dict(payload={"x": object()}), "payload"),
    (dict(payload={"x": float("nan")}), "payload"),
])
def test_publish_invalidEnvelope_raisesNamingField_andSendsNothing(sqs, kwargs, field):
    args = {"type": "django.task", "payload": {}}
    for key in ("type", "payload"):
        if key in kwargs:
            args[key] = kwargs.pop(key)
    with pytest.raises(InvalidEnvelope) as info:
        publish(args["type"], args["payload"], **kwargs)
    assert field in {v.field for v in info.value.violations}, info.value
    assert sqs.sent == []


@pytest.mark.parametrize("delay", [-1, 901, 1.5, "10", True])
def test_publish_badDelay_raises(sqs, delay):
    with pytest.raises(ValueError, match="delay_seconds"):
        publish("django.task", {}, delay_seconds=delay)
    assert sqs.sent == []


def _payload_for_body_size(size, settings_job_id="fixed-id"):
    """A payload that makes the encoded body exactly `size` bytes (multi-byte characters count as bytes)."""
    probe = publisher.prepare("django.task", {"pad": ""}, job_id=settings_job_id)
    base = len(probe.body.encode("utf-8"))
    pad = size - base
    assert pad >= 2
    # "é" is 2 bytes in UTF-8: the limit is bytes, not characters
    return {"pad": "é" * (pad // 2) + "a" * (pad % 2)}


def test_publish_atTheQueuesLimit_sends_overIt_refuses_namingTheQueueAndBothSizes(sqs):
    sqs.expect()
    publish("django.task", _payload_for_body_size(262144), job_id="fixed-id")
    assert len(sqs.sent[0]["MessageBody"].encode("utf-8")) == 262144
    with pytest.raises(MessageTooLarge) as info:
        publish("django.task", _payload_for_body_size(262145), job_id="fixed-id")
    assert (info.value.size, info.value.limit, info.value.queue) == (262145, 262144, "default")
    assert ("job envelope is 262145 bytes, over the 262144-byte limit of queue 'default' "
            "(OUTRIGGER[\"MAX_MESSAGE_BYTES\"]); nothing was sent") in str(info.value)
    assert len(sqs.sent) == 1


def test_publish_toA1MiBQueue_sendsWhatTheOld256KiBCapRefused(sqs):
    sqs.expect()
    publish("django.task", _payload_for_body_size(1048576), queue="heavy", job_id="fixed-id")
    assert len(sqs.sent[0]["MessageBody"].encode("utf-8")) == 1048576
    with pytest.raises(MessageTooLarge, match="1048577 bytes, over the 1048576-byte limit of queue 'heavy'"):
        publish("django.task", _payload_for_body_size(1048577), queue="heavy", job_id="fixed-id")


def test_publish_withoutASetting_readsTheQueuesMaximumMessageSizeOnce(sqs, settings):
    settings.OUTRIGGER = {k: v for k, v in settings.OUTRIGGER.items() if k != "MAX_MESSAGE_BYTES"}
    sqs.stub.add_response("get_queue_attributes", {"Attributes": {"MaximumMessageSize": "4096"}},
                          {"QueueUrl": DEFAULT_URL, "AttributeNames": ["MaximumMessageSize"]})
    sqs.expect(2)
    publish("django.task", _payload_for_body_size(4096), job_id="fixed-id")
    publish("django.task", {"task": "reports.generate"})
    with pytest.raises(MessageTooLarge) as info:
        publish("django.task", _payload_for_body_size(4097), job_id="fixed-id")
    assert "4097 bytes, over the 4096-byte limit of queue 'default' (its MaximumMessageSize)" in str(info.value)
    assert len(sqs.sent) == 2
    sqs.stub.assert_no_pending_responses()  # one GetQueueAttributes for three publishes


def test_publish_whenTheQueuesLimitCannotBeRead_sendsNothing_andSaysWhatToDo(sqs, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAX_MESSAGE_BYTES": {"heavy": 1048576}}
    sqs.stub.add_client_error("get_queue_attributes", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(QueueLimitUnknown) as info:
        publish("django.task", {"task": "reports.generate"})
    message = str(info.value)
    assert f"cannot read the MaximumMessageSize of queue 'default' ({DEFAULT_URL})" in message
    assert "AccessDenied" in message and "nothing was sent" in message
    assert 'OUTRIGGER["MAX_MESSAGE_BYTES"] = {\'default\':' in message
    assert sqs.sent == []


def test_publish_whenTheQueueDoesNotReportItsLimit_checksAgainstSqssMaximum_andSaysSo(sqs, settings, caplog):
    settings.OUTRIGGER = {k: v for k, v in settings.OUTRIGGER.items() if k != "MAX_MESSAGE_BYTES"}
    sqs.stub.add_response("get_queue_attributes", {"Attributes": {}},
                          {"QueueUrl": DEFAULT_URL, "AttributeNames": ["MaximumMessageSize"]})
    sqs.expect()
    with caplog.at_level("WARNING", logger="outrigger_django"):
        publish("django.task", _payload_for_body_size(1048576), job_id="fixed-id")
    assert "did not report its MaximumMessageSize" in caplog.text and "1048576" in caplog.text
    with pytest.raises(MessageTooLarge, match="over the 1048576-byte limit of queue 'default'"):
        publish("django.task", _payload_for_body_size(1048577), job_id="fixed-id")


@pytest.mark.parametrize("answer", ["lots", "512", "2000000"])
def test_publish_whenTheQueueAnswersALimitSqsCannotHave_refusesToGuess(sqs, settings, answer):
    settings.OUTRIGGER = {k: v for k, v in settings.OUTRIGGER.items() if k != "MAX_MESSAGE_BYTES"}
    sqs.stub.add_response("get_queue_attributes", {"Attributes": {"MaximumMessageSize": answer}},
                          {"QueueUrl": DEFAULT_URL, "AttributeNames": ["MaximumMessageSize"]})
    with pytest.raises(QueueLimitUnknown, match=f"answered MaximumMessageSize '{answer}'"):
        publish("django.task", {"task": "reports.generate"})
    assert sqs.sent == []


def test_publish_intSetting_appliesToEveryQueue(sqs, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAX_MESSAGE_BYTES": 4096}
    sqs.expect()
    publish("django.task", _payload_for_body_size(4096), queue="heavy", job_id="fixed-id")
    with pytest.raises(MessageTooLarge, match="over the 4096-byte limit of queue 'default'"):
        publish("django.task", _payload_for_body_size(4097), job_id="fixed-id")


@pytest.mark.parametrize("value", [1023, 1048577, "lots", True, {"default": 2 * 10 ** 6}])
def test_publish_badLimitSetting_isConfigError_namingSqssRange(sqs, settings, value):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAX_MESSAGE_BYTES": value}
    with pytest.raises(ImproperlyConfigured, match=r"MAX_MESSAGE_BYTES"):
        publish("django.task", {})
    assert sqs.sent == []


def test_limitRange_comesFromTheSchema():
    schema = json.loads((Path(envelope.__file__).parent / "schema" / "job-envelope.v1.json").read_text())
    bounds = schema["$defs"]["messageBytes"]
    assert envelope.message_bytes_range() == (bounds["minimum"], bounds["maximum"]) == (1024, 1048576)


@pytest.mark.django_db(transaction=True)
def test_publishOnCommit_sendsOnlyAfterCommit(sqs):
    sqs.expect()
    with transaction.atomic():
        job_id = publish_on_commit("django.task", {"task": "reports.generate"})
        assert sqs.sent == []  # still inside the transaction
    assert len(sqs.sent) == 1
    assert body_of(sqs.sent[0])["id"] == job_id


@pytest.mark.django_db(transaction=True)
def test_publishOnCommit_rollback_sendsNothing(sqs):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            publish_on_commit("django.task", {"task": "reports.generate"})
            raise RuntimeError("view failed")
    assert sqs.sent == []
    sqs.stub.assert_no_pending_responses()


@pytest.mark.django_db(transaction=True)
def test_publishOnCommit_invalidJob_failsInsideTheTransaction(sqs):
    with pytest.raises(InvalidEnvelope):
        with transaction.atomic():
            publish_on_commit("django.task", {}, max_attempts=0)
    assert sqs.sent == []


@pytest.mark.django_db(transaction=True)
def test_publishTask_onCommit(sqs):
    sqs.expect()
    with transaction.atomic():
        publish_task("reports.generate", on_commit=True)
        assert sqs.sent == []
    assert len(sqs.sent) == 1


def test_managementCommand_publishesAndPrintsId(sqs):
    sqs.expect()
    out = io.StringIO()
    call_command("outrigger_publish", "--task", "reports.generate", "--kwargs", '{"label": "cli"}',
                 "--job-id", "cli-1", stdout=out)
    assert out.getvalue().strip() == "cli-1"
    assert body_of(sqs.sent[0])["payload"] == {"task": "reports.generate", "args": [], "kwargs": {"label": "cli"}}


def test_sqsClient_localEndpointWithoutCredentials_usesPlaceholderCredentials(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ENDPOINT_URL": "http://127.0.0.1:9324"}
    client = publisher.sqs_client()
    assert client.meta.endpoint_url == "http://127.0.0.1:9324"
    assert client._request_signer._credentials.access_key == "local"
    assert client.meta.region_name == "eu-west-1"


def test_sqsClient_isCachedAndResetWhenSettingsChange(settings):
    first = publisher.sqs_client()
    assert publisher.sqs_client() is first
    settings.OUTRIGGER = {**settings.OUTRIGGER, "REGION": "us-west-2"}
    assert publisher.sqs_client() is not first
    assert publisher.sqs_client().meta.region_name == "us-west-2"
