import hashlib
import hmac
import time
from datetime import datetime, timezone

import pytest

from outrigger_django.signing import SignatureError, sign, sign_v1, verify
from testapp.models import TaskRecord

SECRET = "s3cr3t"


ROUTE = "tasks/reports.generate"


def test_sign_isHexHmacSha256OfTimestampMethodRouteAndBody():
    expected = hmac.new(b"s3cr3t", b'1700000000.POST.tasks/reports.generate.{"a":1}', hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, "POST", ROUTE, b'{"a":1}') == "v2=" + expected
    assert sign(SECRET, "1700000000", "POST", ROUTE, '{"a":1}') == "v2=" + expected


# The same vectors are asserted by the Java RequestSignerTest: Python verifies what Java signs (README, "HTTP contract").
SHARED_VECTORS = [
    ("tasks/reports.generate", b'{"task":"reports.generate","id":"job-1"}',
     "v2=075af84bc64a2f8e65a88bb1d93966409fa4eedbdfaad3f1fc569d38cfb09beb"),
    # a route with dots, and a body with non-ASCII UTF-8
    ("hooks/billing.month-end", '{"hook":"billing.month-end","id":"hook:billing.month-end:2026-01-31T23:00:00Z",'
                                '"args":{"note":"Z\u00fcrich \u2013 \u6771\u4eac"}}'.encode("utf-8"),
     "v2=51fc3582d6442f68031b0ab3f714d9d5b87e7461896a1d4a41d90d7de5e06f57"),
    ("maintenance", b'{"action":"maintenance","enabled":true,"reason":"cutover"}',
     "v2=4706b9e0a190faa4505d27d3b1e403fffcaf51ec198fe03147fbc6b8f8a6657f"),
    # the first body at another route: another signature
    ("hooks/reports.generate", b'{"task":"reports.generate","id":"job-1"}',
     "v2=1187382a1dc41030b94431d6589f2d24c65c33649294bcc0a578b96e68b7f359"),
]


@pytest.mark.parametrize("route,body,expected", SHARED_VECTORS)
def test_sign_knownAnswers_sharedWithTheJavaSigner(route, body, expected):
    assert sign("outrigger-test-secret", 1700000000, "POST", route, body) == expected
    verify(["outrigger-test-secret"], "1700000000", expected, body, method="POST", route=route, now=1700000000)


def test_sign_nonAsciiBody_isSignedAsItsUtf8Bytes():
    route, body, expected = SHARED_VECTORS[1]
    assert len(body) == 116
    assert sign("outrigger-test-secret", 1700000000, "POST", route, body.decode("utf-8")) == expected


def test_sign_v1_knownAnswer_isUnchanged():
    # what Outrigger functions before v2 send; verified only inside the migration window
    assert sign_v1("outrigger-test-secret", 1700000000, b'{"id":"job-1"}') == \
        "v1=5ba7f4db045f2945d920148627281db2752efbdd3b5a6b164e6c7d236ad180b8"


def test_sign_whenSecretEmpty_refuses():
    with pytest.raises(ValueError):
        sign("", 1, "POST", ROUTE, b"x")


@pytest.mark.parametrize("method,route", [("post", ROUTE), ("POST", "/" + ROUTE), ("POST", ROUTE + "?x=1")])
def test_sign_withLowerCaseMethodOrAbsoluteRouteOrQuery_refuses(method, route):
    with pytest.raises(ValueError):
        sign(SECRET, 1, method, route, b"x")


def test_verify_acceptsRotatedSecretList():
    now = int(time.time())
    assert verify(["new", SECRET], str(now), sign(SECRET, now, "POST", ROUTE, b"x"), b"x", method="POST", route=ROUTE,
                  now=now) == "v2"


@pytest.mark.parametrize("ts_offset,header,message", [
    (0, "v2=" + "0" * 64, "does not match"),
    (0, "v3=" + "0" * 64, "unknown signature scheme"),
    (-301, None, "outside the 300 s window"),
    (301, None, "outside the 300 s window"),
])
def test_verify_refuses(ts_offset, header, message):
    now = 1_800_000_000
    ts = now + ts_offset
    with pytest.raises(SignatureError, match=message):
        verify([SECRET], str(ts), header or sign(SECRET, ts, "POST", ROUTE, b"x"), b"x", method="POST", route=ROUTE,
               now=now)


@pytest.mark.parametrize("method,route", [
    ("POST", "tasks/reports.other"), ("POST", "hooks/reports.generate"), ("POST", "maintenance"),
    ("POST", "verify-writes"), ("PUT", ROUTE),
])
def test_verify_signatureForAnotherRouteOrMethod_doesNotMatch(method, route):
    now = 1_800_000_000
    with pytest.raises(SignatureError, match="does not match"):
        verify([SECRET], str(now), sign(SECRET, now, "POST", ROUTE, b"x"), b"x", method=method, route=route, now=now)


def test_verify_refusesNonNumericTimestamp():
    with pytest.raises(SignatureError, match="unix seconds"):
        verify([SECRET], "1e9", "v2=00", b"x", method="POST", route=ROUTE)


def test_verify_v1_isRefusedWithoutAWindow_andAcceptedOnlyInsideIt():
    now = 1_800_000_000
    header = sign_v1(SECRET, now, b"x")
    with pytest.raises(SignatureError, match="v1 signatures are refused"):
        verify([SECRET], str(now), header, b"x", method="POST", route=ROUTE, now=now)
    until = datetime.fromtimestamp(now + 1, timezone.utc)
    assert verify([SECRET], str(now), header, b"x", method="POST", route=ROUTE, now=now, accept_v1_until=until) == "v1"
    with pytest.raises(SignatureError, match="were accepted until"):
        verify([SECRET], str(now + 1), sign_v1(SECRET, now + 1, b"x"), b"x", method="POST", route=ROUTE, now=now + 1,
               accept_v1_until=until)
    with pytest.raises(SignatureError, match="does not match"):
        verify([SECRET], str(now), header, b"y", method="POST", route=ROUTE, now=now, accept_v1_until=until)


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
    now = int(time.time())
    response = caller.client.generic(
        "POST", "/internal/outrigger/tasks/reports.generate", b'{"task":"reports.generate","id":"job-x","payload":{}}',
        content_type="application/json",
        HTTP_X_OUTRIGGER_TIMESTAMP=str(now),
        HTTP_X_OUTRIGGER_SIGNATURE=sign("test-signing-secret-0123456789", now, "POST", ROUTE,
                                        b'{"task":"reports.generate","id":"job-y","payload":{}}'))
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
