"""The hooks the package ships for template.yaml's default schedules (clearsessions, health_ping, outrigger_prune),
so a new project's schedules succeed from day one, and a project's own hook of the same name replacing them."""
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from outrigger_django import outrigger_hook, outrigger_tasks, registry

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_package_ships_a_hook_for_every_schedule_template_yaml_enables():
    assert {"clearsessions", "health_ping", "outrigger_prune"} <= set(registry.hook_names())


def test_a_projects_own_hook_of_the_same_name_replaces_the_packages():
    # the test project registers its own clearsessions (it records each run)
    assert registry.get_hook("clearsessions").__module__ == "testapp.outrigger_tasks"
    assert registry.get_hook("health_ping") is outrigger_tasks.health_ping


def test_registering_a_project_hook_named_like_a_package_hook_is_not_a_duplicate(monkeypatch):
    monkeypatch.setattr(registry, "_hooks", dict(registry._hooks))

    @outrigger_hook("health_ping")
    def my_ping(scheduled_time, args):
        return "mine"

    assert registry.get_hook("health_ping") is my_ping


def test_package_clearsessions_runs_djangos_command():
    expired = Session.objects.create(session_key="expired", session_data="x",
                                     expire_date=timezone.now() - timedelta(days=1))
    live = Session.objects.create(session_key="live", session_data="x", expire_date=timezone.now() + timedelta(days=1))

    assert outrigger_tasks.clearsessions(None, {}) == {"cleared": True}

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert not Session.objects.filter(pk=expired.pk).exists()


def test_package_clearsessions_with_an_engine_that_cannot_expire_has_nothing_to_clear(settings):
    settings.SESSION_ENGINE = "testapp.session_engine_without_expiry"
    answer = outrigger_tasks.clearsessions(None, {})
    assert answer["cleared"] is False and "doesn't support clearing expired sessions" in answer["reason"]


def test_package_clearsessions_without_the_sessions_app_has_nothing_to_clear(settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django.contrib.sessions"]
    assert outrigger_tasks.clearsessions(None, {}) == {
        "cleared": False, "reason": "django.contrib.sessions is not installed: no sessions to clear"}


def test_health_ping_answers_with_the_database_and_migration_state(caller):
    response = caller.hook("health_ping", "hook:health_ping:2026-05-01T10:05:00Z")
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["database"] == {"alias": "default", "vendor": "sqlite", "ok": True}
    assert result["migrations"]["unapplied"] == 0 and result["migrations"]["applied"] > 10


def test_health_ping_with_an_unapplied_migration_fails_naming_it(caller):
    call_command("migrate", "sessions", "zero", verbosity=0)
    try:
        response = caller.hook("health_ping", "hook:health_ping:2026-05-01T10:10:00Z")
    finally:
        call_command("migrate", "sessions", verbosity=0)
    # 500: retried by the schedule, then dead-lettered, which the scheduler-DLQ alarm reports
    assert response.status_code == 500
    assert response.json() == {"error": "task_failed", "message": "UnappliedMigrations (see the Django logs)"}


def test_a_hooks_return_value_is_in_the_answer_when_it_is_json(caller):
    response = caller.hook("outrigger_prune", "hook:outrigger_prune:2030-01-01T03:30:00Z",
                           scheduled_time="2030-01-01T03:30:00Z", args={"older_than": "30d"})
    assert response.status_code == 200 and response.json()["result"] == {"deleted": 0}
