import io

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
