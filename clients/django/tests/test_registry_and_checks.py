import io
from datetime import datetime, timezone

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from outrigger_django import checks, current_job, outrigger_hook, outrigger_task, registry


def test_autodiscovery_registeredTheTestAppsTasksAndHooks():
    assert {"reports.generate", "tests.permanent", "tests.flaky"} <= set(registry.task_names())
    assert "clearsessions" in registry.hook_names()


def test_registry_sameNameTwoFunctions_refused():
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        @outrigger_task("reports.generate")
        def other():
            pass


def test_registry_invalidName_refused():
    with pytest.raises(ImproperlyConfigured, match="invalid hook name"):
        outrigger_hook("has/slash")


def test_currentJob_isNoneOutsideATask():
    assert current_job() is None


@pytest.mark.django_db
def test_migrations_matchTheModels():
    # fails if a model changed without a migration (the package ships its migrations)
    call_command("makemigrations", "outrigger", "--check", "--dry-run", stdout=io.StringIO())


def test_systemCheck_warnsWithoutSecret(settings, monkeypatch):
    monkeypatch.delenv("OUTRIGGER_SIGNING_SECRET", raising=False)
    settings.OUTRIGGER = {**settings.OUTRIGGER, "SIGNING_SECRET": ""}
    assert [p.id for p in checks.check_settings()] == ["outrigger.W001"]


def test_systemCheck_cleanWithTestSettings():
    assert checks.check_settings() == []


@pytest.mark.parametrize("until,state", [
    ("2999-01-01T00:00:00Z", "are accepted until 2999-01-01T00:00:00+00:00"),
    ("2020-01-01T00:00:00+02:00", "were accepted until 2020-01-01T00:00:00+02:00"),
])
def test_system_check_warns_while_v1_signatures_are_allowed(settings, until, state):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ACCEPT_V1_SIGNATURES_UNTIL": until}
    problems = checks.check_settings()
    assert [p.id for p in problems] == ["outrigger.W002"]
    assert state in problems[0].msg


def test_system_check_accepts_an_aware_datetime_for_the_v1_window(settings):
    until = datetime(2999, 1, 1, tzinfo=timezone.utc)
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ACCEPT_V1_SIGNATURES_UNTIL": until}
    assert [p.id for p in checks.check_settings()] == ["outrigger.W002"]


@pytest.mark.parametrize("until", ["2999-01-01T00:00:00", "2999-01-01", "tomorrow", "2999-13-01T00:00:00Z", 1893456000,
                                   datetime(2999, 1, 1)])
def test_system_check_errors_when_the_v1_window_is_not_an_aware_instant(settings, until):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "ACCEPT_V1_SIGNATURES_UNTIL": until}
    problems = checks.check_settings()
    assert [p.id for p in problems] == ["outrigger.E003"]
    assert "ACCEPT_V1_SIGNATURES_UNTIL" in problems[0].msg
