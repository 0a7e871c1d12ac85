"""The first mistakes a new project makes get an error that names the fix: a queue URL that names no queue, a local
queue URL without OUTRIGGER["ENDPOINT_URL"], NaN in a payload; and the endpoints answer JSON, never Django's HTML
page, for a body too large to read or one that is not JSON (NaN and Infinity included)."""
import json

import pytest
from botocore.stub import ANY
from django.test import override_settings

from outrigger_django import EndpointUrlNotSet, InvalidEnvelope, QueueNotFound, publish, publisher
from outrigger_django.models import OutriggerJobRun

LOCAL_QUEUE = "http://127.0.0.1:9324/000000000000/outrigger-dev-jobs-default"


def test_a_queue_that_does_not_exist_names_the_url_tried_and_the_queues_there(sqs):
    tried = "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-jobs-default"
    sqs.stub.add_client_error("send_message", service_error_code="AWS.SimpleQueueService.NonExistentQueue",
                              service_message="The specified queue does not exist.", http_status_code=400,
                              expected_params={"QueueUrl": tried, "MessageBody": ANY})
    there = ["https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-prod-jobs-default",
             "https://sqs.eu-west-1.amazonaws.com/123456789012/outrigger-prod-jobs-heavy"]
    sqs.stub.add_response("list_queues", {"QueueUrls": there})

    with pytest.raises(QueueNotFound) as info:
        publish("django.task", {"task": "reports.generate"})

    message = str(info.value)
    assert tried in message and all(url in message for url in there)
    assert 'OUTRIGGER["QUEUES"][\'default\']' in message
    assert "JobsDefaultQueueUrl" in message and "outrigger local up" in message
    assert info.value.available == there
    sqs.stub.assert_no_pending_responses()


def test_a_queue_that_does_not_exist_says_so_when_the_queues_cannot_be_listed(sqs):
    # in AWS, Django's role (DjangoTasksPolicy) may send but not ListQueues
    sqs.stub.add_client_error("send_message", service_error_code="QueueDoesNotExist", http_status_code=400)
    sqs.stub.add_client_error("list_queues", service_error_code="AccessDenied", http_status_code=403)

    with pytest.raises(QueueNotFound, match="could not be listed") as info:
        publish("django.task", {"task": "reports.generate"})
    assert "JobsDefaultQueueUrl" in str(info.value) and info.value.available is None


def test_other_sqs_errors_are_not_disguised(sqs):
    from botocore.exceptions import ClientError

    sqs.stub.add_client_error("send_message", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(ClientError, match="AccessDenied"):
        publish("django.task", {"task": "reports.generate"})


@pytest.fixture
def no_aws_credentials(monkeypatch, tmp_path):
    """botocore's whole credential chain comes up empty (and never asks the EC2 metadata service)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    publisher.reset_clients()


def test_no_credentials_with_a_local_queue_and_no_endpoint_says_to_set_endpoint_url(settings, no_aws_credentials):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "QUEUES": {"default": LOCAL_QUEUE}, "ENDPOINT_URL": None}

    with pytest.raises(EndpointUrlNotSet) as info:
        publish("django.task", {"task": "reports.generate"})

    message = str(info.value)
    assert message.startswith("no AWS credentials were found")
    assert LOCAL_QUEUE in message
    assert 'OUTRIGGER["ENDPOINT_URL"] = "http://127.0.0.1:9324"' in message


def test_no_credentials_for_a_queue_in_aws_stays_botocores_own_error(settings, no_aws_credentials):
    from botocore.exceptions import NoCredentialsError

    settings.OUTRIGGER = {**settings.OUTRIGGER, "ENDPOINT_URL": None}
    with pytest.raises(NoCredentialsError):
        publish("django.task", {"task": "reports.generate"})


def test_nan_in_a_payload_is_refused_naming_the_fix(sqs):
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(InvalidEnvelope, match="NaN or Infinity.*send null or a string"):
            publish("django.task", {"task": "reports.generate", "kwargs": {"ratio": bad}})
    assert sqs.sent == []


# ------------------------------------------------------------------------------------------------ the endpoints


def _json_error(response, status, error):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == error and body["message"]
    return body["message"]


@pytest.mark.django_db(transaction=True)
def test_a_body_over_the_upload_limit_gets_a_json_413_and_nothing_runs(caller):
    big = json.dumps({"task": "reports.generate", "id": "too-big", "pad": "x" * (10 * 1024 * 1024)}).encode()
    message = _json_error(caller.post("tasks/reports.generate", None, raw=big), 413, "payload_too_large")
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE (2621440 bytes)" in message and "nothing ran" in message
    assert not OutriggerJobRun.objects.filter(job_id="too-big").exists()


@pytest.mark.django_db(transaction=True)
def test_the_upload_limit_is_djangos_setting(caller):
    body = json.dumps({"task": "reports.generate", "id": "small-limit", "pad": "x" * 2000}).encode()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        _json_error(caller.post("tasks/reports.generate", None, raw=body), 413, "payload_too_large")
    assert caller.post("tasks/reports.generate", None, raw=body).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("raw", [b"<html>not json</html>", b"\xff\xfe", b"[1, 2]", b""])
def test_a_signed_body_that_is_not_a_json_object_gets_a_json_400(caller, raw):
    _json_error(caller.post("tasks/reports.generate", None, raw=raw), 400, "bad_request")


@pytest.mark.django_db(transaction=True)
def test_an_unsigned_body_that_is_not_json_gets_a_json_401(client):
    response = client.generic("POST", "/internal/outrigger/tasks/reports.generate", b"not json",
                              content_type="text/plain")
    _json_error(response, 401, "unauthorized")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_in_a_signed_body_are_refused_and_nothing_runs(caller, number):
    raw = ('{"task":"reports.generate","id":"nan-%s","payload":{"args":[%s]}}' % (number, number)).encode()
    message = _json_error(caller.post("tasks/reports.generate", None, raw=raw), 400, "bad_request")
    assert "is not a JSON number" in message or "too large for a number" in message
    assert not OutriggerJobRun.objects.filter(job_id=f"nan-{number}").exists()
