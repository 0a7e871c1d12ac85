import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import SignedCaller
from outrigger_django.models import OutriggerJobRun
from testapp.models import HookRecord, TaskRecord
from testapp.outrigger_tasks import BLOCKING, FLAKY

# real commits: the claim must be visible to other connections, as in production
pytestmark = pytest.mark.django_db(transaction=True)


def test_task_callsFunctionWithArgsAndKwargs(caller):
    response = caller.task("reports.generate", "job-args", args=[1, "two"], kwargs={"label": "L"})
    assert response.status_code == 200
    row = TaskRecord.objects.get(job_id="job-args")
    assert (row.label, row.args) == ("L", [1, "two"])
    run = OutriggerJobRun.objects.get(job_id="job-args")
    assert (run.kind, run.name, run.status, run.attempts) == ("task", "reports.generate", "succeeded", 1)
    assert run.finished_at is not None


def test_task_repeatedJobId_runsOnceAndAnswersAlreadyDone(caller):
    assert caller.task("reports.generate", "job-twice").json()["status"] == "done"
    second = caller.task("reports.generate", "job-twice", attempt=2)
    assert second.status_code == 200
    assert second.json() == {"status": "already_done", "id": "job-twice"}
    assert TaskRecord.objects.filter(job_id="job-twice").count() == 1


def test_task_whileAnotherDeliveryRuns_secondIs429InProgress_andRunsOnce():
    """Deterministic overlap: delivery A is inside the task when delivery B arrives."""
    results = {}

    def deliver(key):
        try:
            results[key] = SignedCaller(Client()).task("tests.blocking", "job-overlap")
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=("a",))
    first.start()
    assert BLOCKING["entered"].wait(10), "delivery A never entered the task"
    deliver("b")  # on this thread, while A is blocked inside the task
    BLOCKING["release"].set()
    first.join(10)
    assert results["a"].status_code == 200 and results["a"].json()["status"] == "done"
    assert results["b"].status_code == 429
    assert results["b"].json()["status"] == "in_progress"
    assert results["b"]["Retry-After"] == "30"
    assert TaskRecord.objects.filter(job_id="job-overlap").count() == 1
    # a third delivery after A finished is simply already done
    assert SignedCaller(Client()).task("tests.blocking", "job-overlap").json()["status"] == "already_done"


def test_task_twoThreadsAtOnce_runsOnce():
    """A real race: both deliveries start together; SQLite serialises the claim inserts, one wins."""
    barrier = threading.Barrier(2)
    results = []

    def deliver():
        try:
            c = SignedCaller(Client())
            barrier.wait(10)
            results.append(c.task("reports.generate", "job-race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    statuses = sorted((r.status_code, r.json()["status"]) for r in results)
    assert len(statuses) == 2
    assert statuses[0] == (200, "done") or statuses[1] == (200, "done")
    assert statuses.count((200, "done")) == 1
    assert TaskRecord.objects.filter(job_id="job-race").count() == 1


def test_task_permanentError_is422WithMessage_andClaimReleased(caller):
    response = caller.task("tests.permanent", "job-perm", args=[42])
    assert response.status_code == 422
    assert response.json() == {"error": "permanent_error", "message": "report 42 does not exist"}
    run = OutriggerJobRun.objects.get(job_id="job-perm")
    assert (run.status, run.last_error) == ("failed", "PermanentError")


def test_task_retryLater_is429WithRetryAfter(caller):
    response = caller.task("tests.retry_later", "job-later")
    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    assert response.json()["error"] == "retry_later"
    assert OutriggerJobRun.objects.get(job_id="job-later").status == "failed"


def test_task_exception_is500_rollsBackItsWrites_andTheRetryRuns(caller):
    FLAKY["failures_left"] = 1
    first = caller.task("tests.flaky", "job-flaky", kwargs={"label": "x"})
    assert first.status_code == 500
    assert first.json() == {"error": "task_failed", "message": "RuntimeError (see the Django logs)"}
    assert not TaskRecord.objects.filter(job_id="job-flaky").exists()  # the failed try's row was rolled back
    second = caller.task("tests.flaky", "job-flaky", kwargs={"label": "x"}, attempt=2)
    assert second.status_code == 200 and second.json()["status"] == "done"
    assert TaskRecord.objects.filter(job_id="job-flaky").count() == 1
    run = OutriggerJobRun.objects.get(job_id="job-flaky")
    assert (run.status, run.attempts, run.last_error) == ("succeeded", 2, "")
    assert caller.task("tests.flaky", "job-flaky", attempt=3).json()["status"] == "already_done"


def test_task_staleClaim_isTakenOver(caller, settings):
    OutriggerJobRun.objects.create(job_id="job-dead", kind="task", name="reports.generate", status="running",
                                   claim_token="x" * 32, started_at=timezone.now() - timedelta(seconds=901),
                                   last_attempted_at=timezone.now() - timedelta(seconds=901))
    response = caller.task("reports.generate", "job-dead")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert TaskRecord.objects.filter(job_id="job-dead").count() == 1


def test_task_freshClaimOfAnotherProcess_is429(caller):
    OutriggerJobRun.objects.create(job_id="job-busy", kind="task", name="reports.generate", status="running",
                                   claim_token="x" * 32, started_at=timezone.now(),
                                   last_attempted_at=timezone.now())
    assert caller.task("reports.generate", "job-busy").status_code == 429
    assert not TaskRecord.objects.exists()


def test_task_unknown_is404(caller):
    response = caller.task("reports.nope", "job-404")
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_task"
    assert not OutriggerJobRun.objects.exists()


@pytest.mark.parametrize("body,message", [
    ({"task": "reports.generate", "payload": {}}, '"id" must be'),
    ({"task": "reports.generate", "id": "j", "payload": {"task": "other"}}, "but the URL names"),
    ({"task": "reports.generate", "id": "j", "payload": []}, '"payload" must be an object'),
    ({"task": "reports.generate", "id": "j", "payload": {"args": {}}}, '"payload.args" must be an array'),
    ({"task": "reports.generate", "id": "j", "payload": {"kwargs": []}}, '"payload.kwargs" must be an object'),
    ([1, 2], "body must be a JSON object"),
])
def test_task_badBody_is400(caller, body, message):
    response = caller.post("tasks/reports.generate", body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not TaskRecord.objects.exists()


def test_task_trailingSlashAccepted(caller):
    # the route signed is the same without the slash: the functions never send one, the resolver drops it
    body = {"task": "reports.generate", "id": "job-slash", "payload": {}}
    assert caller.post("tasks/reports.generate/", body, route="tasks/reports.generate").status_code == 200


def test_hook_receivesScheduledTimeAndArgs(caller):
    response = caller.hook("clearsessions", "hook-1", args={"older_than_days": 30}, execution_id="exec-1")
    assert response.status_code == 200, response.content
    row = HookRecord.objects.get()
    assert row.scheduled_time.isoformat() == "2025-05-20T03:00:00+00:00"
    assert row.args == {"older_than_days": 30}
    assert (row.job_id, row.execution_id) == ("hook-1", "exec-1")
    assert OutriggerJobRun.objects.get(job_id="hook-1").kind == "hook"


def test_hook_firedTwice_runsOnce(caller):
    assert caller.hook("clearsessions", "hook-twice").json()["status"] == "done"
    again = caller.hook("clearsessions", "hook-twice")
    assert again.status_code == 200 and again.json()["status"] == "already_done"
    assert HookRecord.objects.count() == 1
    # a different firing of the same schedule runs
    assert caller.hook("clearsessions", "hook-next").json()["status"] == "done"
    assert HookRecord.objects.count() == 2


def test_hook_duplicateDeliveryWithAnotherExecutionId_runsOnce(caller):
    # EventBridge Scheduler does not promise the same execution id on a duplicate delivery: the signed "id" decides
    assert caller.hook("clearsessions", "clearsessions@2025-05-20T03:00:00Z", execution_id="exec-a").json()[
        "status"] == "done"
    again = caller.hook("clearsessions", "clearsessions@2025-05-20T03:00:00Z", execution_id="exec-b")
    assert again.status_code == 200 and again.json()["status"] == "already_done"
    assert list(HookRecord.objects.values_list("execution_id", flat=True)) == ["exec-a"]


def test_hook_sameExecutionIdButAnotherId_runsAgain(caller):
    # the dedupe key is "id", not "execution_id"
    assert caller.hook("clearsessions", "hook-a", execution_id="exec-same").json()["status"] == "done"
    assert caller.hook("clearsessions", "hook-b", execution_id="exec-same").json()["status"] == "done"
    assert HookRecord.objects.count() == 2


def test_hook_withoutId_fallsBackToExecutionId(caller):
    # an older schedule-hook sends no "id": its execution_id is the dedupe key
    body = {"hook": "clearsessions", "scheduled_time": "2025-05-20T03:00:00Z", "execution_id": "exec-legacy"}
    assert caller.post("hooks/clearsessions", body).json()["status"] == "done"
    assert caller.post("hooks/clearsessions", body).json()["status"] == "already_done"
    assert HookRecord.objects.get().job_id == "exec-legacy"
    assert OutriggerJobRun.objects.get(job_id="exec-legacy").kind == "hook"


def test_hook_idIsTheSignedBodys_notTheHeader(caller):
    # X-Outrigger-Job-Id is not signed; a replay with another header value is still the same job
    body = {"id": "hook-hdr", "hook": "clearsessions", "execution_id": "e"}
    assert caller.post("hooks/clearsessions", body, job_id="header-1").json()["status"] == "done"
    assert caller.post("hooks/clearsessions", body, job_id="header-2").json()["status"] == "already_done"
    assert HookRecord.objects.get().job_id == "hook-hdr"


def test_hook_unknown_is404(caller):
    response = caller.hook("nope", "hook-404")
    assert response.status_code == 404 and response.json()["error"] == "unknown_hook"


@pytest.mark.parametrize("body,message", [
    ({"hook": "clearsessions", "scheduled_time": "2025-05-20T03:00:00Z"}, '"id"'),
    ({"hook": "clearsessions", "execution_id": ""}, '"id"'),
    ({"id": "", "hook": "clearsessions", "execution_id": "e"}, '"id" must be'),
    ({"id": 7, "hook": "clearsessions"}, '"id" must be'),
    ({"id": "x" * 201, "hook": "clearsessions"}, '"id" must be'),
    ({"id": "h", "hook": "clearsessions", "execution_id": 5}, '"execution_id"'),
    ({"id": "h", "hook": "clearsessions", "execution_id": "e", "scheduled_time": "yesterday"}, '"scheduled_time"'),
])
def test_hook_badBody_is400(caller, body, message):
    response = caller.post("hooks/clearsessions", body)
    assert response.status_code == 400 and message in response.json()["message"]
    assert not HookRecord.objects.exists()
    assert not OutriggerJobRun.objects.exists()


def test_hook_withoutScheduledTime_getsNone(caller):
    assert caller.post("hooks/clearsessions", {"hook": "clearsessions", "id": "h-none"}).status_code == 200
    row = HookRecord.objects.get()
    assert row.scheduled_time is None and row.execution_id == ""


def test_task_databaseUnavailableForClaim_is503AndNothingRuns(caller, monkeypatch):
    from django.db import OperationalError

    from outrigger_django import views

    def locked(ctx, alias, defaults=None):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "_claim", locked)
    response = caller.task("reports.generate", "job-locked")
    assert response.status_code == 503
    assert response.json()["error"] == "database_unavailable" and response["Retry-After"] == "30"
    assert not TaskRecord.objects.exists()
