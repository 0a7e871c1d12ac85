"""A signed call authorizes exactly one action: captured and replayed to another endpoint, it runs nothing.

Each case signs a call as the Java functions do (v2 over POST, the route and the body, the body naming its action),
replays the very same bytes and headers to other endpoints (401, nothing ran), then sends them to their own endpoint
(200). The v1 cases check the migration window: v1 binds no route, so there the body's action is what refuses a replay.
"""
import json
import logging
from datetime import timedelta

import pytest
from django.db.models.signals import post_save
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from conftest import hook_body, maintenance_body, task_body, verify_writes_body
from outrigger_django import signed_headers
from outrigger_django.models import MaintenanceState, OutriggerJobRun, OutriggerWriteProbe
from outrigger_django.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_v1
from testapp.models import HookRecord, TaskRecord

pytestmark = pytest.mark.django_db(transaction=True)

# For the test that mounts the endpoints elsewhere (@pytest.mark.urls(__name__)).
urlpatterns = [path("ops/deeper/prefix/", include("outrigger_django.urls"))]

ENDPOINTS = ["tasks/reports.generate", "tasks/tests.flaky", "hooks/clearsessions", "maintenance", "verify-writes"]


class Signed:
    """One captured call: the exact body bytes and headers, signed for `route`."""

    def __init__(self, route, body, settings, scheme="v2"):
        self.route = route
        self.data = json.dumps(body, separators=(",", ":")).encode()
        self.headers = signed_headers(settings.TEST_SECRET, self.data, route, job_id=body.get("id", ""))
        if scheme == "v1":
            self.headers[SIGNATURE_HEADER] = sign_v1(settings.TEST_SECRET, self.headers[TIMESTAMP_HEADER], self.data)

    def send(self, client, path, prefix="/internal/outrigger/", **environ):
        return client.generic("POST", prefix + path, self.data, content_type="application/json",
                              headers=self.headers, **environ)


@pytest.fixture
def probes():
    """Every write probe verify-writes creates (it deletes its row again, so count the saves)."""
    created = []

    def record(sender, instance, **kwargs):
        created.append(instance.token)

    post_save.connect(record, sender=OutriggerWriteProbe, weak=False)
    yield created
    post_save.disconnect(record, sender=OutriggerWriteProbe)


def assert_nothing_ran(probes):
    assert not TaskRecord.objects.exists()
    assert not HookRecord.objects.exists()
    assert not OutriggerJobRun.objects.exists()
    assert not MaintenanceState.objects.filter(enabled=True).exists()
    assert probes == []


def calls(settings):
    """One correctly signed call per endpoint, as the functions make it."""
    return {
        "tasks/reports.generate": Signed("tasks/reports.generate", task_body("reports.generate", "job-r"), settings),
        "hooks/clearsessions": Signed("hooks/clearsessions", hook_body("clearsessions", "hook-r"), settings),
        "maintenance": Signed("maintenance", maintenance_body(True, "cutover"), settings),
        "verify-writes": Signed("verify-writes", verify_writes_body(), settings),
    }


@pytest.mark.parametrize("signed_for", ["tasks/reports.generate", "hooks/clearsessions", "maintenance",
                                        "verify-writes"])
def test_a_signed_call_replayed_to_any_other_endpoint_is_refused_and_runs_nothing(client, settings, probes,
                                                                                    signed_for):
    call = calls(settings)[signed_for]
    for path in ENDPOINTS:
        if path == signed_for:
            continue
        response = call.send(client, path)
        assert response.status_code == 401, (signed_for, path, response.content)
        assert response.json()["message"] == "signature does not match"
        # also with a trailing slash, which the URLconf accepts
        assert call.send(client, path + "/").status_code == 401
    assert_nothing_ran(probes)


def test_each_call_sent_to_its_own_endpoint_succeeds(client, settings, probes):
    all_calls = calls(settings)
    for path, call in all_calls.items():
        response = call.send(client, path)
        assert response.status_code == 200, (path, response.content)
    assert TaskRecord.objects.get().job_id == "job-r"
    assert HookRecord.objects.get().job_id == "hook-r"
    assert MaintenanceState.objects.get().enabled is True
    assert len(probes) == 1


def test_the_signed_route_does_not_depend_on_script_name(client, settings):
    # behind a proxy that mounts the site under /app, Django sees SCRIPT_NAME=/app; the route stays the same
    call = Signed("tasks/reports.generate", task_body("reports.generate", "job-script-name"), settings)
    assert call.send(client, "tasks/reports.generate", SCRIPT_NAME="/app").status_code == 200
    assert TaskRecord.objects.get().job_id == "job-script-name"


@pytest.mark.urls(__name__)
def test_the_signed_route_is_relative_to_wherever_the_urls_are_included(client, settings):
    call = Signed("tasks/reports.generate", task_body("reports.generate", "job-prefixed"), settings)
    assert call.send(client, "tasks/reports.generate", prefix="/ops/deeper/prefix/").status_code == 200
    assert TaskRecord.objects.get().job_id == "job-prefixed"


def test_a_task_call_replayed_to_another_task_runs_neither(client, settings, probes):
    call = Signed("tasks/reports.generate", task_body("reports.generate", "job-other"), settings)
    assert call.send(client, "tasks/tests.flaky").status_code == 401
    assert_nothing_ran(probes)


@pytest.mark.parametrize("path,body", [
    ("tasks/reports.generate", task_body("tests.flaky", "j")),                # names another task
    ("tasks/reports.generate", {"id": "j", "payload": {"task": "reports.generate"}}),   # names none
    ("tasks/reports.generate", {**task_body("reports.generate", "j"), "hook": "clearsessions"}),  # names two
    ("hooks/clearsessions", {"id": "h", "scheduled_time": "2025-05-20T03:00:00Z"}),
    ("hooks/clearsessions", {**hook_body("clearsessions", "h"), "hook": "other"}),
    ("maintenance", {"enabled": True}),
    ("maintenance", {"action": "verify-writes", "enabled": True}),
    ("verify-writes", {}),
    ("verify-writes", {"action": "maintenance"}),
])
def test_a_correctly_signed_body_that_does_not_name_its_endpoints_action_is_401(caller, probes, path, body):
    response = caller.post(path, body)
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "unauthorized"
    assert "the body must name this action" in response.json()["message"]
    assert_nothing_ran(probes)


def test_an_action_mismatch_is_logged_without_the_body(caller, caplog):
    body = task_body("tests.flaky", "job-log", kwargs={"label": "body-marker-1234"})
    with caplog.at_level(logging.WARNING, logger="outrigger_django"):
        assert caller.post("tasks/reports.generate", body).status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("outrigger_django"))
    assert "route=tasks/reports.generate" in logged and "does not name this action" in logged
    assert "body-marker-1234" not in logged and "tests.flaky" not in logged and "job-log" not in logged


# ---- v1, the scheme before v2, during a migration window ----

def _window(settings, until):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ACCEPT_V1_SIGNATURES_UNTIL": until}


def test_v1_is_refused_by_default(client, settings, probes):
    call = Signed("tasks/reports.generate", task_body("reports.generate", "job-v1"), settings, scheme="v1")
    response = call.send(client, "tasks/reports.generate")
    assert response.status_code == 401
    assert "v1 signatures are refused" in response.json()["message"]
    assert_nothing_ran(probes)


def test_v1_inside_the_window_is_accepted_only_where_the_body_names_the_action(client, settings, probes):
    _window(settings, (timezone.now() + timedelta(hours=1)).isoformat())
    task = Signed("tasks/reports.generate", task_body("reports.generate", "job-v1"), settings, scheme="v1")
    maintenance = Signed("maintenance", maintenance_body(True, "v1"), settings, scheme="v1")
    hook = Signed("hooks/clearsessions", hook_body("clearsessions", "hook-v1"), settings, scheme="v1")

    # v1 binds no route: the body's action is what refuses these replays
    for path in ["tasks/tests.flaky", "hooks/clearsessions", "maintenance", "verify-writes"]:
        assert task.send(client, path).status_code == 401, path
    assert maintenance.send(client, "verify-writes").status_code == 401
    assert hook.send(client, "tasks/reports.generate").status_code == 401
    assert_nothing_ran(probes)

    assert task.send(client, "tasks/reports.generate").status_code == 200
    assert hook.send(client, "hooks/clearsessions").status_code == 200
    assert maintenance.send(client, "maintenance").status_code == 200
    assert TaskRecord.objects.get().job_id == "job-v1"
    assert HookRecord.objects.get().job_id == "hook-v1"
    assert MaintenanceState.objects.get().enabled is True


def test_v1_after_the_window_is_refused(client, settings, probes):
    _window(settings, "2020-01-01T00:00:00Z")
    call = Signed("tasks/reports.generate", task_body("reports.generate", "job-late"), settings, scheme="v1")
    response = call.send(client, "tasks/reports.generate")
    assert response.status_code == 401
    assert "were accepted until 2020-01-01T00:00:00+00:00" in response.json()["message"]
    assert_nothing_ran(probes)


def test_v2_is_accepted_while_the_v1_window_is_open(caller, settings):
    _window(settings, (timezone.now() + timedelta(hours=1)).isoformat())
    assert caller.task("reports.generate", "job-v2").status_code == 200


def test_an_invalid_v1_window_answers_500_so_the_call_is_retried_and_runs_nothing(settings, probes):
    # manage.py check reports it (outrigger.E003); a call must not guess what was meant
    _window(settings, "2999-01-01T00:00:00")  # no UTC offset
    call = Signed("tasks/reports.generate", task_body("reports.generate", "job-bad-setting"), settings)
    response = call.send(Client(raise_request_exception=False), "tasks/reports.generate")
    assert response.status_code == 500
    assert_nothing_ran(probes)
