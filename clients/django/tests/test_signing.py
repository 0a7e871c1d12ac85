import hashlib
import hmac
import time

import pytest

from outrigger_django.signing import SignatureError, sign, verify
from testapp.models import TaskRecord

SECRET = "s3cr3t"


def test_sign_isHexHmacSha256OfTimestampDotBody():
    expected = hmac.new(b"s3cr3t", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, b'{"a":1}') == "v1=" + expected
    assert sign(SECRET, "1700000000", '{"a":1}') == "v1=" + expected


def test_sign_knownAnswer_sharedWithTheJavaSigner():
    # a fixed vector (README, "HTTP contract"); the Java RequestSigner must produce the same string
    assert sign("outrigger-test-secret", 1700000000, b'{"id":"job-1"}') == \
        "v1=5ba7f4db045f2945d920148627281db2752efbdd3b5a6b164e6c7d236ad180b8"


def test_sign_whenSecretEmpty_refuses():
    with pytest.raises(ValueError):
        sign("", 1, b"x")


def test_verify_acceptsRotatedSecretList():
    now = int(time.time())
    verify(["new", SECRET], str(now), sign(SECRET, now, b"x"), b"x", now=now)


@pytest.mark.parametrize("ts_offset,header,message", [
    (0, "v1=" + "0" * 64, "does not match"),
    (-301, None, "outside the 300 s window"),
    (301, None, "outside the 300 s window"),
])
def test_verify_refuses(ts_offset, header, message):
    now = 1_800_000_000
    ts = now + ts_offset
    with pytest.raises(SignatureError, match=message):
        verify([SECRET], str(ts), header or sign(SECRET, ts, b"x"), b"x", now=now)


def test_verify_refusesNonNumericTimestamp():
    with pytest.raises(SignatureError, match="unix seconds"):
        verify([SECRET], "1e9", "v1=00", b"x")


# ---- through the endpoint ----

@pytest.mark.django_db
def test_endpoint_validSignature_runsTask(caller):
    response = caller.task("reports.generate", "job-ok", kwargs={"label": "a"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert TaskRecord.objects.filter(job_id="job-ok", label="a").count() == 1


@pytest.mark.django_db
def test_endpoint_forgedSignature_is401AndNothingRuns(caller):
    response = caller.task("reports.generate", "job-forged", secret="not-the-secret")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "message": "signature does not match"}
    assert not TaskRecord.objects.exists()


@pytest.mark.django_db
def test_endpoint_bodyChangedAfterSigning_is401(caller):
    response = caller.client.generic(
        "POST", "/internal/outrigger/tasks/reports.generate", b'{"id":"job-x","payload":{}}',
        content_type="application/json",
        HTTP_X_OUTRIGGER_TIMESTAMP=str(int(time.time())),
        HTTP_X_OUTRIGGER_SIGNATURE=sign("test-signing-secret-0123456789", int(time.time()), b'{"id":"job-y"}'))
    assert response.status_code == 401
    assert not TaskRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [-301, 301, -100000])
def test_endpoint_staleOrFutureTimestamp_is401(caller, offset):
    response = caller.task("reports.generate", "job-stale", timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert "outside the 300 s window" in response.json()["message"]
    assert not TaskRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["X-Outrigger-Timestamp", "X-Outrigger-Signature"])
def test_endpoint_missingHeader_is401NamingIt(caller, missing):
    def drop(headers):
        return {k: v for k, v in headers.items() if k != missing}

    response = caller.task("reports.generate", "job-missing", headers=drop)
    assert response.status_code == 401
    assert response.json()["message"] == f"missing {missing} header"
    assert not TaskRecord.objects.exists()


@pytest.mark.django_db
def test_endpoint_unknownTask_withForgedSignature_is401Not404(caller):
    # the signature is checked before anything else, so an attacker learns nothing about task names
    assert caller.task("nope", "job-1", secret="wrong").status_code == 401


@pytest.mark.django_db
def test_endpoint_get_is405(client):
    assert client.get("/internal/outrigger/tasks/reports.generate").status_code == 405


@pytest.mark.django_db
def test_endpoint_noSecretConfigured_refusesEverything(caller, settings, monkeypatch):
    monkeypatch.delenv("OUTRIGGER_SIGNING_SECRET", raising=False)
    settings.OUTRIGGER = {**settings.OUTRIGGER, "SIGNING_SECRET": None}
    response = caller.task("reports.generate", "job-nosecret")
    assert response.status_code == 401
    assert response.json()["message"] == "no signing secret is configured"


@pytest.mark.django_db
def test_endpoint_secretFromEnvironment(caller, settings, monkeypatch):
    monkeypatch.setenv("OUTRIGGER_SIGNING_SECRET", "from-env")
    settings.OUTRIGGER = {**settings.OUTRIGGER, "SIGNING_SECRET": None}
    assert caller.task("reports.generate", "job-env", secret="from-env").status_code == 200
    assert caller.task("reports.generate", "job-env2").status_code == 401


@pytest.mark.django_db
def test_endpoint_malformedJson_is400(caller):
    assert caller.post("tasks/reports.generate", None, raw=b"{not json").status_code == 400
