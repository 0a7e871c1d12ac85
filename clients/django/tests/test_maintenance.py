import time

import pytest
from django.db import DatabaseError

from outrigger_django import maintenance
from outrigger_django.models import MaintenanceState, OutriggerWriteProbe

pytestmark = pytest.mark.django_db(transaction=True)


def test_maintenance_onThroughEndpoint_usersGet503WithRetryAfter(caller, client):
    assert client.get("/").status_code == 200
    response = caller.maintenance(True, "cutover to the new database")
    assert response.status_code == 200
    assert response.json()["enabled"] is True
    assert response.json()["reason"] == "cutover to the new database"
    page = client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "300"
    assert page["Cache-Control"] == "no-store"
    assert b"Back soon" in page.content
    assert b"cutover" not in page.content  # the operator's reason is not shown to users


def test_maintenance_jsonClients_getJsonBody(caller, client):
    caller.maintenance(True)
    page = client.get("/api/anything", HTTP_ACCEPT="application/json")
    assert page.status_code == 503
    assert page.json()["error"] == "maintenance"
    assert page.json()["retry_after"] == 300


def test_maintenance_offThroughEndpoint_usersServedAgain(caller, client):
    caller.maintenance(True)
    assert client.get("/").status_code == 503
    response = caller.maintenance(False, "done")
    assert response.status_code == 200 and response.json()["enabled"] is False
    assert client.get("/").status_code == 200
    assert MaintenanceState.objects.get().enabled is False


def test_maintenance_healthChecksAndOutriggerEndpointsExempt(caller, client):
    caller.maintenance(True)
    assert client.get("/healthz").status_code == 200
    assert client.get("/status/deep").status_code == 200  # prefix "/status/"
    assert client.get("/healthzz").status_code == 503  # not a prefix match on a partial word
    # Outrigger's own endpoints keep working: tasks run and maintenance can be switched off
    assert caller.task("reports.generate", "job-in-maintenance").status_code == 200
    assert caller.verify_writes().status_code == 200
    assert caller.maintenance(False).status_code == 200
    assert client.get("/").status_code == 200


def test_maintenance_retryAfterSetting(caller, client, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAINTENANCE_RETRY_AFTER_S": 42}
    caller.maintenance(True)
    assert client.get("/")["Retry-After"] == "42"


def test_maintenance_switchIsStoredInDatabase_seenByOtherProcesses(client):
    # what another web process does: write the row directly; this process reads it (interval 0 in tests)
    MaintenanceState.objects.create(enabled=True, reason="set elsewhere")
    assert client.get("/").status_code == 503


def test_maintenance_cachedForCheckInterval(client, settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "MAINTENANCE_CHECK_INTERVAL_S": 3600}
    assert client.get("/").status_code == 200  # reads "off" and trusts it for an hour
    MaintenanceState.objects.create(enabled=True)
    assert client.get("/").status_code == 200
    maintenance.forget_cached_state()
    assert client.get("/").status_code == 503


def test_maintenance_databaseUnreadable_keepsLastKnownState(client, monkeypatch):
    MaintenanceState.objects.create(enabled=True)
    assert client.get("/").status_code == 503

    def broken():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(maintenance, "read_state", broken)
    assert client.get("/").status_code == 503


@pytest.mark.parametrize("body", [{}, {"enabled": "yes"}, {"enabled": True, "reason": 5}])
def test_maintenance_badBody_is400(caller, body):
    assert caller.post("maintenance", {"action": "maintenance", **body}).status_code == 400


def test_maintenance_forgedSignature_is401_andStateUnchanged(caller, client):
    assert caller.maintenance(True, secret="forged").status_code == 401
    assert client.get("/").status_code == 200


def test_verifyWrites_writesReadsAndDeletesAProbe(caller):
    response = caller.verify_writes()
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["database"] == "default" and body["vendor"] == "sqlite"
    assert isinstance(body["latency_ms"], (int, float)) and body["latency_ms"] >= 0
    assert not OutriggerWriteProbe.objects.exists()


def test_verifyWrites_unknownAlias_is400(caller):
    response = caller.verify_writes("replica")
    assert response.status_code == 400 and "replica" in response.json()["message"]


def test_verifyWrites_databaseRefusesWrites_is503(caller, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("cannot execute INSERT in a read-only transaction")

    monkeypatch.setattr(OutriggerWriteProbe, "save", refuse)
    response = caller.verify_writes()
    assert response.status_code == 503
    assert response.json()["ok"] is False and response.json()["error"] == "DatabaseError"


# ------------------------------------------------------------------ replays to the maintenance endpoint itself
# A captured, correctly signed maintenance call is valid for the whole timestamp window. Replayed to `maintenance`
# itself, a captured "on" must not switch maintenance back on after a later "off": the switch refuses a call issued
# before the one that made the last change.


def _replay(caller, data, headers):
    return caller.client.generic("POST", "/internal/outrigger/maintenance", data, content_type="application/json",
                                 headers=headers)


def _capture(caller, *args, **kwargs):
    """Sends one maintenance call and returns its exact bytes and headers, as someone on the wire would keep them."""
    sent = {}

    def keep(headers):
        sent["headers"] = dict(headers)
        return headers

    response = caller.maintenance(*args, headers=keep, **kwargs)
    sent["data"] = response.wsgi_request.body
    return response, sent["data"], sent["headers"]


def test_a_captured_on_replayed_after_off_is_refused_and_maintenance_stays_off(caller, client):
    now = int(time.time())
    on, data, headers = _capture(caller, True, "cutover", timestamp=now - 60)
    assert on.status_code == 200 and client.get("/").status_code == 503
    assert caller.maintenance(False, "done", timestamp=now - 30).status_code == 200

    replayed = _replay(caller, data, headers)

    assert replayed.status_code == 401, replayed.content
    message = replayed.json()["message"]
    assert "before the call that made the last change" in message and "Nothing changed" in message
    assert client.get("/").status_code == 200
    assert MaintenanceState.objects.get().enabled is False


def test_the_cutovers_issued_at_orders_calls_signed_within_the_same_second(caller, client):
    now = int(time.time())
    _, data, headers = _capture(caller, True, issued_at="2026-03-01T10:00:00.100Z", timestamp=now)
    assert caller.maintenance(False, issued_at="2026-03-01T10:00:00.900Z", timestamp=now).status_code == 200

    assert _replay(caller, data, headers).status_code == 401
    assert client.get("/").status_code == 200


def test_a_retry_of_the_call_that_made_the_last_change_still_answers_200(caller):
    response, data, headers = _capture(caller, True, issued_at="2026-03-01T10:00:00.100Z")
    again = _replay(caller, data, headers)
    assert (response.status_code, again.status_code) == (200, 200)
    assert again.json()["enabled"] is True


def test_an_older_call_that_would_change_nothing_is_refused_too(caller):
    assert caller.maintenance(True, issued_at="2026-03-01T10:00:05Z").status_code == 200
    assert caller.maintenance(True, issued_at="2026-03-01T10:00:01Z").status_code == 401


def test_a_call_that_changes_nothing_does_not_move_the_order(caller, client):
    # on (t1), on again (t3, no change), then an "off" issued at t2 < t3 but after the last change: it switches
    assert caller.maintenance(True, issued_at="2026-03-01T10:00:01Z").status_code == 200
    assert caller.maintenance(True, issued_at="2026-03-01T10:00:03Z").status_code == 200
    assert caller.maintenance(False, issued_at="2026-03-01T10:00:02Z").status_code == 200
    assert client.get("/").status_code == 200


def test_calls_without_issued_at_in_the_same_second_both_switch(caller, client):
    # older functions send no issued_at: the signed timestamp (whole seconds) orders them, and a tie is let through
    now = int(time.time())
    assert caller.maintenance(True, timestamp=now).status_code == 200
    assert caller.maintenance(False, timestamp=now).status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("issued_at,problem", [
    ("2026-03-01T10:00:00", "with a UTC offset"),
    ("yesterday", "RFC 3339"),
    ("2026-13-01T10:00:00Z", "RFC 3339"),
    (1772359200, "RFC 3339"),
])
def test_a_bad_issued_at_is_400(caller, issued_at, problem):
    response = caller.maintenance(True, issued_at=issued_at)
    assert response.status_code == 400 and problem in response.json()["message"]
    assert not MaintenanceState.objects.exists()


def test_an_issued_at_far_after_the_signed_timestamp_is_400(caller):
    # it would refuse every later call until then
    response = caller.maintenance(True, issued_at="2999-01-01T00:00:00Z")
    assert response.status_code == 400 and "after the signed timestamp" in response.json()["message"]
