"""Smoke test of clients/django/example, the project the e2e tests use: migrate, runserver on 127.0.0.1,
then real signed HTTP calls from outside the process."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from outrigger_django import signed_headers

from local_server import free_port, serving

EXAMPLE = Path(__file__).resolve().parents[1] / "example"
SECRET = "example-smoke-secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(OUTRIGGER_SIGNING_SECRET=SECRET, EXAMPLE_DB_PATH=str(tmp_path_factory.mktemp("ex") / "db.sqlite3"),
               OUTRIGGER_QUEUE_URL_DEFAULT="http://127.0.0.1:9/000000000000/jobs-default",
               PYTHONPATH=os.pathsep.join(p for p in [env.get("PYTHONPATH", "")] if p))
    manage = [sys.executable, str(EXAMPLE / "manage.py")]
    subprocess.run(manage + ["migrate", "-v", "0"], env=env, check=True, cwd=EXAMPLE, timeout=60)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(manage + ["runserver", f"127.0.0.1:{port}", "--noreload"], base + "/healthz", "example runserver",
                 env=env, cwd=EXAMPLE):
        yield base

PREFIX = "/internal/outrigger/"


def call(base, path, body=None, secret=SECRET, method="POST"):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret and data is not None:
        headers.update(signed_headers(secret, data, path[len(PREFIX):], job_id=(body or {}).get("id", "")))
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null") if "json" in r.headers.get(
                "Content-Type", "") else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, dict(e.headers), json.loads(raw) if "json" in e.headers.get("Content-Type", "") else None


def test_example_taskDeliveredTwice_writesOneRow(server):
    body = {"id": "smoke-1", "task": "example.record", "payload": {"task": "example.record", "args": [],
                                                                    "kwargs": {"label": "smoke"}},
            "attempt": 1, "meta": {}}
    assert call(server, "/internal/outrigger/tasks/example.record", body)[0] == 200
    status, _, again = call(server, "/internal/outrigger/tasks/example.record", body)
    assert (status, again["status"]) == (200, "already_done")
    records = call(server, "/example/records", method="GET")[2]
    assert [r["job_id"] for r in records["tasks"]] == ["smoke-1"]


def test_example_permanentError_is422WithReason(server):
    body = {"id": "smoke-2", "task": "example.fail_permanently",
            "payload": {"kwargs": {"reason": "order 9 is cancelled"}}}
    status, _, answer = call(server, "/internal/outrigger/tasks/example.fail_permanently", body)
    assert (status, answer["message"]) == (422, "order 9 is cancelled")


def test_example_forgedAndStale_are401(server):
    body = {"task": "example.record", "id": "smoke-3", "payload": {}}
    assert call(server, "/internal/outrigger/tasks/example.record", body, secret="forged")[0] == 401
    data = json.dumps(body).encode()
    headers = signed_headers(SECRET, data, "tasks/example.record", timestamp=int(time.time()) - 3600)
    headers["Content-Type"] = "application/json"
    request = urllib.request.Request(server + "/internal/outrigger/tasks/example.record", data=data,
                                     headers=headers, method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 401


def test_example_hookFiredTwice_runsOnce(server):
    body = {"id": "clearsessions@2025-05-20T03:00:00Z", "hook": "clearsessions",
            "scheduled_time": "2025-05-20T03:00:00Z", "execution_id": "smoke-exec", "args": {}}
    assert call(server, "/internal/outrigger/hooks/clearsessions", body)[0] == 200
    # a duplicate delivery of the same firing may carry another execution id: still the same job
    body["execution_id"] = "smoke-exec-duplicate"
    assert call(server, "/internal/outrigger/hooks/clearsessions", body)[2]["status"] == "already_done"
    hooks = call(server, "/example/records", method="GET")[2]["hooks"]
    assert [(h["job_id"], h["execution_id"]) for h in hooks] == [("clearsessions@2025-05-20T03:00:00Z", "smoke-exec")]


def test_example_maintenanceOnAndOff(server):
    on = {"action": "maintenance", "enabled": True, "reason": "smoke"}
    assert call(server, "/internal/outrigger/maintenance", on)[0] == 200
    status, headers, _ = call(server, "/", method="GET")
    assert status == 503 and headers["Retry-After"] == "300"
    assert call(server, "/healthz", method="GET")[0] == 200
    assert call(server, "/internal/outrigger/verify-writes", {"action": "verify-writes"})[2]["ok"] is True
    assert call(server, "/internal/outrigger/maintenance", {"action": "maintenance", "enabled": False})[0] == 200
    assert call(server, "/", method="GET")[0] == 200


def test_example_tasksFrameworkTask_runByTheSignedCall_showsInGetResult(server):
    # what the worker sends for shop.tasks.remember enqueued through OutriggerBackend
    body = {"id": "smoke-tasks-1", "task": "shop.tasks.remember", "attempt": 1,
            "payload": {"task": "shop.tasks.remember", "args": ["smoke"], "kwargs": {}, "backend": "default",
                        "queue_name": "default"}}
    status, _, answer = call(server, "/internal/outrigger/tasks/shop.tasks.remember", body)
    assert (status, answer["status"]) == (200, "done")
    result = call(server, "/example/tasks/smoke-tasks-1", method="GET")[2]
    assert result["status"] == "SUCCESSFUL" and result["attempts"] == 1
    assert result["return_value"] == {"label": "smoke", "attempt": 1}


def test_example_bodyOver_DATA_UPLOAD_MAX_MEMORY_SIZE_overRealHttp_isJson413(server):
    data = b'{"pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    request = urllib.request.Request(server + "/internal/outrigger/tasks/example.record", data=data,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 413
    assert info.value.headers["Content-Type"] == "application/json"
    assert json.loads(info.value.read())["error"] == "payload_too_large"
