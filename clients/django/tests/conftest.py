import json
import uuid
from types import SimpleNamespace

import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from django.conf import settings

from outrigger_django import publisher, signed_headers
from outrigger_django.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_v1


def task_body(name, job_id, args=None, kwargs=None, attempt=1):
    """What the job worker sends to tasks/<name>."""
    return {"task": name, "id": job_id, "payload": {"task": name, "args": args or [], "kwargs": kwargs or {}},
            "attempt": attempt, "meta": {"request_id": "r-1"}}


def hook_body(name, hook_id, scheduled_time="2025-05-20T03:00:00Z", args=None, execution_id=None):
    """What the schedule-hook function sends to hooks/<name>: "id" is the dedupe key (hook name + scheduled time)."""
    return {"hook": name, "id": hook_id, "scheduled_time": scheduled_time,
            "execution_id": execution_id or "exec-" + hook_id, "args": args or {}}


def maintenance_body(enabled, reason=None, issued_at=None):
    """What the cutover's maintenance step sends (issued_at: the state's entered time, RFC 3339)."""
    body = {"action": "maintenance", "enabled": enabled}
    if reason is not None:
        body["reason"] = reason
    if issued_at is not None:
        body["issued_at"] = issued_at
    return body


def verify_writes_body(database=None):
    """What the cutover's verify-writes step sends."""
    return {"action": "verify-writes", **({"database": database} if database else {})}


class SignedCaller:
    """Posts to the Outrigger endpoints as the Java functions do."""

    def __init__(self, client):
        self.client = client

    def post(self, path, body, *, secret=None, timestamp=None, job_id="", attempt=1, headers=None, raw=None,
             route=None, scheme="v2"):
        """POSTs body to path (relative to the Outrigger prefix), signed for route (default: path without a trailing
        slash, as the functions sign it), or with a v1 signature (scheme="v1", which binds no route)."""
        data = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
        secret = secret or settings.TEST_SECRET
        h = signed_headers(secret, data, path.rstrip("/") if route is None else route, job_id=job_id,
                           attempt=attempt, timestamp=timestamp)
        if scheme == "v1":
            h[SIGNATURE_HEADER] = sign_v1(secret, h[TIMESTAMP_HEADER], data)
        if headers is not None:
            h = headers(h)
        return self.client.generic("POST", "/internal/outrigger/" + path, data,
                                   content_type="application/json", headers=h)

    def task(self, name, job_id, args=None, kwargs=None, attempt=1, **kw):
        return self.post("tasks/" + name, task_body(name, job_id, args, kwargs, attempt), job_id=job_id,
                         attempt=attempt, **kw)

    def hook(self, name, hook_id, scheduled_time="2025-05-20T03:00:00Z", args=None, execution_id=None, **kw):
        return self.post("hooks/" + name, hook_body(name, hook_id, scheduled_time, args, execution_id),
                         job_id=hook_id, **kw)

    def maintenance(self, enabled, reason=None, issued_at=None, **kw):
        return self.post("maintenance", maintenance_body(enabled, reason, issued_at), **kw)

    def verify_writes(self, database=None, **kw):
        return self.post("verify-writes", verify_writes_body(database), **kw)


@pytest.fixture
def caller(client):
    return SignedCaller(client)


@pytest.fixture
def tasks_framework():
    """Django's Tasks framework, built in or the backport: see tasks_framework.py."""
    import tasks_framework

    return tasks_framework.load()


@pytest.fixture(autouse=True)
def _reset_outrigger_state():
    from outrigger_django import maintenance, publisher
    from testapp.outrigger_tasks import BLOCKING, CELERY, FLAKY

    maintenance.forget_cached_state()
    publisher.reset_clients()
    FLAKY["failures_left"] = 0
    CELERY["raise"].clear()
    BLOCKING["entered"].clear()
    BLOCKING["release"].clear()
    yield
    maintenance.forget_cached_state()
    publisher.reset_clients()


@pytest.fixture
def sqs(monkeypatch):
    """The package's own boto3 client with botocore's Stubber: no network; records every SendMessage call."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = publisher.sqs_client()
    sent = []
    batches = []

    def capture(params, **kwargs):
        sent.append(dict(params))

    def capture_batch(params, **kwargs):
        batches.append(dict(params))

    client.meta.events.register("provide-client-params.sqs.SendMessage", capture)
    client.meta.events.register("provide-client-params.sqs.SendMessageBatch", capture_batch)
    stub = Stubber(client)
    stub.activate()
    # keep this client even when a test changes settings (which resets the package's client cache)
    monkeypatch.setattr(publisher, "sqs_client", lambda: client)

    def expect(n=1):
        for _ in range(n):
            stub.add_response("send_message", {"MessageId": str(uuid.uuid4()), "MD5OfMessageBody": "0" * 32})

    def expect_batch(entries, failed=None):
        """One SendMessageBatch answer for a request of `entries` entries (Ids "0".."n-1"); failed: {id: (code,
        sender_fault)} are reported failed, the others successful."""
        failed = failed or {}
        stub.add_response("send_message_batch", {
            "Successful": [{"Id": str(i), "MessageId": str(uuid.uuid4()), "MD5OfMessageBody": "0" * 32}
                           for i in range(entries) if str(i) not in failed],
            "Failed": [{"Id": i, "SenderFault": fault, "Code": code, "Message": f"{code} for entry {i}"}
                       for i, (code, fault) in failed.items()]})

    yield SimpleNamespace(client=client, sent=sent, batches=batches, expect=expect, expect_batch=expect_batch, stub=stub)
    stub.deactivate()
    client.meta.events.unregister("provide-client-params.sqs.SendMessage", capture)
    client.meta.events.unregister("provide-client-params.sqs.SendMessageBatch", capture_batch)


@pytest.fixture
def scheduler(monkeypatch):
    """The package's Scheduler client, serialising for real but answering from here: records each request body."""
    client = publisher.aws_client("scheduler", None)
    sent = []

    class Raw:
        def __init__(self, data):
            self.data = data

        def stream(self, **_):
            yield self.data

    def answer(request, **_):
        sent.append({"url": request.url, "method": request.method, "body": json.loads(request.body)})
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"},
                           Raw(b'{"ScheduleArn":"arn:aws:scheduler:eu-west-1:123456789012:schedule/g/n"}'))

    client.meta.events.register("before-send.scheduler.CreateSchedule", answer, unique_id="test-scheduler")
    monkeypatch.setattr(publisher, "aws_client", lambda service, endpoint: client)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    yield sent
    client.meta.events.unregister("before-send.scheduler.CreateSchedule", unique_id="test-scheduler")
