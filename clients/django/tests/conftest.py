import json

import pytest
from django.conf import settings

from outrigger_django import signed_headers


class SignedCaller:
    """Posts to the Outrigger endpoints as the Java worker does."""

    def __init__(self, client):
        self.client = client

    def post(self, path, body, *, secret=None, timestamp=None, job_id="", attempt=1, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
        h = signed_headers(secret or settings.TEST_SECRET, data, job_id=job_id, attempt=attempt,
                           timestamp=timestamp)
        if headers is not None:
            h = headers(h)
        return self.client.generic("POST", "/internal/outrigger/" + path, data,
                                   content_type="application/json", headers=h)

    def task(self, name, job_id, args=None, kwargs=None, attempt=1, **kw):
        body = {"id": job_id, "task": name, "payload": {"task": name, "args": args or [], "kwargs": kwargs or {}},
                "attempt": attempt, "meta": {"request_id": "r-1"}}
        return self.post("tasks/" + name, body, job_id=job_id, attempt=attempt, **kw)

    def hook(self, name, hook_id, scheduled_time="2025-05-20T03:00:00Z", args=None, execution_id=None, **kw):
        """As the schedule-hook function calls: "id" is the dedupe key (derived from hook name + scheduled time)."""
        body = {"id": hook_id, "hook": name, "scheduled_time": scheduled_time,
                "execution_id": execution_id or "exec-" + hook_id, "args": args or {}}
        return self.post("hooks/" + name, body, job_id=hook_id, **kw)


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
    from testapp.outrigger_tasks import BLOCKING, FLAKY

    maintenance.forget_cached_state()
    publisher.reset_clients()
    FLAKY["failures_left"] = 0
    BLOCKING["entered"].clear()
    BLOCKING["release"].clear()
    yield
    maintenance.forget_cached_state()
    publisher.reset_clients()
