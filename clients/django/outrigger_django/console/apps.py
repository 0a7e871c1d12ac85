from django.apps import AppConfig


class OutriggerConsoleConfig(AppConfig):
    name = "outrigger_django.console"
    label = "outrigger_console"
    verbose_name = "Outrigger operations"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
