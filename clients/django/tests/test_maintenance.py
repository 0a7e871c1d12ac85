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
