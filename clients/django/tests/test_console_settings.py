"""The console's settings checks, its admin entries and permissions, and its Lambda client: no database of its own,
no AWS call needed."""
import pytest
from django.contrib.auth.models import Permission
from django.core import checks

from outrigger_django import publisher
from outrigger_django.console import aws
from outrigger_django.console.checks import check_console_settings


def test_the_console_registers_its_pages_and_a_permission_per_action(db):
    codenames = set(Permission.objects.filter(content_type__app_label="outrigger_console")
                    .values_list("codename", flat=True))

    assert codenames == {"view_deadletter", "redrive_deadletter", "view_payload_deadletter", "view_schedule",
                         "pause_schedule", "view_queue", "view_statemachine"}


def test_a_wrong_console_setting_is_a_check_error_naming_it(settings):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "CONSOLE": {"DEAD_LETTER_QUEUE": ["typo"], "STATE_MACHINES": {"x": "y"}}}

    problems = {p.id: p for p in check_console_settings()}

    assert "DEAD_LETTER_QUEUE" in problems["outrigger_console.E002"].msg
    assert problems["outrigger_console.E004"].level == checks.ERROR
    assert problems["outrigger_console.W001"].level == checks.WARNING


def test_the_test_settings_pass_the_checks():
    assert check_console_settings() == []


def test_invoking_never_retries_and_waits_as_long_as_the_redrive_function_may_run(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    publisher.reset_clients()
    try:
        config = aws.lambda_client().meta.config
        # a retried Invoke would start a second redrive; the function's Timeout is 900 s
        assert config.retries["total_max_attempts"] == 1
        assert config.read_timeout > 900
        assert aws.client("scheduler").meta.config.read_timeout < 900
    finally:
        publisher.reset_clients()


@pytest.mark.parametrize("missing", ["REDRIVE_FUNCTION", "SCHEDULE_TOGGLE_FUNCTION"])
def test_invoking_an_unset_function_says_which_setting(settings, missing):
    settings.OUTRIGGER = {**settings.OUTRIGGER, "CONSOLE": {**settings.OUTRIGGER["CONSOLE"], missing: None}}

    with pytest.raises(aws.ConsoleError, match=f'OUTRIGGER\\["CONSOLE"\\]\\["{missing}"\\] is not set'):
        aws.invoke(missing, {})
